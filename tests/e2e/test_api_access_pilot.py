"""The API step's Access sub-step, driven by Textual's pilot against the
real local cloud: choosing a JWT authorizer from a Cognito pool made in the
target protects the route (401 on the test step, with the reason the cloud
logged); bad values there say why and keep the step where it is."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select, Static

from tests.e2e.test_wizard_pilot import SIZE, local_state, screen_is, until, to_function_step  # noqa: F401
from tui.app import WizardApp
from tui.state import WizardState


async def test_a_cognito_jwt_authorizer_chosen_in_the_wizard_protects_the_route(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app, create=True)
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


async def test_access_logs_and_a_lambda_authorizer_chosen_by_keyboard(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
) -> None:
    """Keys only, at 80x24: JSON access logs and a stage variable on the
    Stages sub-step; the sample Lambda authorizer, a CORS origin, burst and
    rate on Access. AWS then holds each; the Test step sends the
    authorizer's token and its Logs tab shows the authorizer's run, the
    function's and the access log line of that request."""
    from textual.widgets import Button

    app = WizardApp(local_state)
    fn = local_state.config.function.name
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: app.state.step_done("function") and app.focused is not None and app.focused.id == "next",
            "the function",
            timeout=60,
        )
        await pilot.press("enter")
        await until(pilot, screen_is(app, "api"), "the API step")
        screen: Any = app.screen
        await until(pilot, lambda: app.focused is screen.query_one("#api-type"), "focus on the API types")
        await pilot.press("enter")  # the highlighted type (HTTP) -> Integrations
        await until(pilot, lambda: app.focused is screen.query_one("#next", Button), "focus on Next")
        await pilot.press("enter")  # Integrations -> Routes
        await until(pilot, lambda: screen.pane == "routes", "the routes")
        await pilot.press("enter")  # an empty new route: on to Stages
        await until(pilot, lambda: screen.pane == "stages", "the stages")
        await pilot.press("shift+tab")
        assert app.focused is screen.query_one("#access-log", Select)
        await pilot.press("enter", "down", "down", "enter")  # Off -> CLF -> JSON
        await until(pilot, lambda: screen.query_one("#access-log", Select).value == "json", "JSON chosen")
        await pilot.press("shift+tab")
        assert app.focused is screen.query_one("#stage-variables", Input)
        await pilot.press(*"table=orders", "enter")
        await until(pilot, lambda: screen.pane == "access", "the access sub-step")
        await pilot.press(*["shift+tab"] * 5)
        assert app.focused is screen.query_one("#auth-type", Select)
        await pilot.press("enter", "down", "down", "enter")  # None -> JWT -> Lambda
        await until(pilot, lambda: screen.query_one("#auth-type", Select).value == "lambda", "Lambda chosen")
        await pilot.press("tab", "tab", *"https://app.example.com", "tab", *"50", "tab", *"25", "enter")
        await until(pilot, lambda: screen.pane == "review", "the review")
        summary = str(screen.query_one("#summary", Static).render())
        assert "access logs JSON" in summary and "Lambda authorizer running the sample" in summary, summary
        assert "variables table=orders" in summary and "CORS for https://app.example.com" in summary, summary
        await pilot.press("enter")
        await until(pilot, lambda: app.state.step_done("api"), "the API with its authorizer", timeout=90)
        await until(pilot, lambda: str(screen.query_one("#next", Button).label) == "Next: Test", "Next: Test")
        await pilot.press("enter")
        await until(pilot, screen_is(app, "test"), "the test step")
        assert app.screen.query_one("#auth", Select).value == "token"  # what the sample authorizer asks for
        await pilot.press("enter")
        status = lambda: str(app.screen.query_one("#status", Static).render())  # noqa: E731
        await until(pilot, lambda: "200 OK" in status(), "the authorized request", timeout=60)
        logs = lambda: str(app.screen.query_one("#out-logs", Static).render())  # noqa: E731
        await until(pilot, lambda: "── Access log" in logs(), "the request's logs", timeout=30)
        text = logs()
        assert f"── Authorizer {fn}-authorizer" in text and f"── Function {fn}" in text, text
        assert text.count("START RequestId:") == 2, text  # the authorizer's run and the function's
        request_id = text.rsplit('"requestId":"', 1)[1].split('"', 1)[0]
        assert app.state.history[-1].status == 200 and len(request_id) > 8
        gw = cloud.client("apigatewayv2")
        stage = gw.get_stage(ApiId=app.state.result.api_id, StageName="$default")
        assert stage["AccessLogSettings"]["Format"].startswith('{ "requestId":"$context.requestId"')
        assert stage["StageVariables"] == {"table": "orders"}
        assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 50
        assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 25
        assert gw.get_api(ApiId=app.state.result.api_id)["CorsConfiguration"]["AllowOrigins"] == [
            "https://app.example.com"
        ]
