"""The admin panel option on the Assumptions pane."""

from __future__ import annotations

from conftest import settle

from tui.app.app import LibreChatAutheliaApp
from tui.core.authelia import client_entry


async def test_admin_panel_checkbox_reaches_the_authelia_block(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.query_one("#input-admin_panel").value = True
        await settle(pilot)
        assert app.profile.admin_panel
        assert app.profile.admin_redirect_uri in client_entry(app.profile)["redirect_uris"]
        app.query_one("#input-librechat_version").value = "0.8.2"
        await settle(pilot)
        assert "✗" in str(app.query_one("#findings-admin_panel").render())
