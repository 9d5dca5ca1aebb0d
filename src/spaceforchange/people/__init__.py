"""People and teams: innovator archetypes, culture pulse, teams and their enablement (FRAMEWORKS.md §9, §12)."""
