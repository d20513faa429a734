"""The main screen's dialog flows, by job: the profile dialogs (profiles.py), the user's
files (files.py), new secrets (secrets.py) and importing the checked files (importing.py).

Each runs in the main screen's dialog worker and knows Textual's App (its dialogs and
toasts), the data it is handed, or its host (host.py, a Protocol): never the screen or the
App class, so the arrows point one way.
"""
