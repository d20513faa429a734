"""The user's own files: reading, auditing and editing them without losing a byte.

Beside the core, never importing Textual: configuration.yml (Authelia), .env (LibreChat)
and a Docker Compose override, read the way their programs read them.
"""
