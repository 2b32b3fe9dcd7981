"""The facility aggregate, its events and its rules. Imports no CLI, projection or database code."""
