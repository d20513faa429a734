"""The Textual app over the core. The only layer that imports Textual."""
