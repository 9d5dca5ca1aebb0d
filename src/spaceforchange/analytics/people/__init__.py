"""Pure logic of the people app: archetype placement and group mixes, the people and team warning
rules, and the culture pulse trend (FRAMEWORKS.md §9 and §12). No Django here."""
