"""The API step's Access sub-step, driven by Textual's pilot against the
real local cloud: choosing a JWT authorizer from a Cognito pool made in the
target protects the route (401 on the test step, with the reason the cloud
logged); bad values there say why and keep the step where it is."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select, Static

from tests.e2e.test_wizard_pilot import SIZE, local_state, screen_is, until  # noqa: F401
from tui.app import WizardApp
from tui.state import WizardState


async def test_a_cognito_jwt_authorizer_chosen_in_the_wizard_protects_the_route(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, screen_is(app, "target"), "the target step")
        await pilot.press("enter")
        await until(pilot, screen_is(app, "function"), "the function step")
        await pilot.press("enter")
        await until(pilot, lambda: app.state.step_done("function"), "the function")
        app.goto("api")
        await until(pilot, screen_is(app, "api"), "the API step")
        screen: Any = app.screen
        screen.pane = "stages"
        screen._show()
        await pilot.pause()
        screen.query_one("#stage-variables", Input).value = "table=orders-dev, mode test"
        await pilot.pause()
        screen.query_one("#next").press()
        await pilot.pause(0.2)
        assert screen.pane == "stages"  # 'mode test' is not name=value: it says so and stays
        screen.query_one("#stage-variables", Input).value = "table=orders-dev, mode=test"
        await pilot.pause()
        screen.query_one("#next").press()
        await until(pilot, lambda: screen.pane == "access", "the access sub-step")
        screen.query_one("#burst", Input).value = "99999"
        await pilot.pause()
        screen.query_one("#next").press()
        await pilot.pause(0.2)
        assert screen.pane == "access"  # a bad value keeps the step where it is
        reason = " ".join(str(s.render()) for s in screen.query(".field-error") if s.display)
        assert "99999 is not a burst size" in reason, reason
        screen.query_one("#burst", Input).value = ""
        screen.query_one("#auth-type", Select).value = "cognito"
        await pilot.pause()
        screen.query_one("#next").press()
        await until(pilot, lambda: screen.pane == "review", "the review")
        summary = str(screen.query_one("#summary", Static).render())
        assert (
            "JWT from a Cognito pool made in the target" in summary
            and "variables mode=test, table=orders-dev" in summary
        )
        screen.query_one("#next").press()
        await until(pilot, lambda: app.state.step_done("api"), "the API with its authorizer", timeout=60)
        assert app.state.result is not None and app.state.result.jwt_issuer.startswith("https://cognito-idp.")
        stage = cloud.client("apigatewayv2").get_stage(ApiId=app.state.result.api_id, StageName="$default")
        assert stage["StageVariables"] == {"mode": "test", "table": "orders-dev"}
        app.goto("test")
        await until(pilot, screen_is(app, "test"), "the test step")
        auth = app.screen.query_one("#auth", Select)
        assert auth.value == "token"  # what the API's authorizer asks for
        auth.value = "none"
        app.screen.query_one("#send").press()
        status = lambda: str(app.screen.query_one("#status", Static).render())  # noqa: E731
        await until(pilot, lambda: "Why:" in status(), "the 401 and its reason")
        assert "401 Unauthorized" in status() and "no token" in status()
        auth.value = "token"  # signs in as the pool's test user (a worker thread), sends its token
        app.screen.query_one("#send").press()
        await until(pilot, lambda: "200 OK" in status(), "the authorized request")
        assert app.state.history[-1].summary == '"Hello from Lambda!"'
