"""Change-programme analytics: current readiness on the eight factors and the programme warning rules.

Pure functions over plain records (FRAMEWORKS.md §6 and "Warnings the product raises"); the
Django side loads a programme's entries and parts and passes them in.
"""
