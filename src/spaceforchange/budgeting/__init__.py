"""Strategy and money: the strategic construct, budget cycles and lines, and scenarios (FRAMEWORKS.md §11)."""
