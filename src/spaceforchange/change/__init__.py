"""Change programmes: Fernandez & Rainey readiness and the gates it puts on initiative stages (FRAMEWORKS.md §6)."""
