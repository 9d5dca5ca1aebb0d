"""Space for Change: help public-sector organisations turn ideas into lasting change."""

__version__ = "0.1.0"
