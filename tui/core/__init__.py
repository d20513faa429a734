"""The domain core: profile, secrets, digests, renderers, checks and the profile store.

Nothing in this package imports Textual (a test enforces it), so everything that decides
what gets generated can be used from the CLI and tested without a screen.
"""
