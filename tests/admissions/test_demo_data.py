"""`flask seed demo` puts the second demo organisation on the framework, so the public list of
providers has someone on it."""

from tests.admissions.helpers import lots_of, provider_names


def test_demo_data_has_a_provider_on_the_public_list(make_app):
    demo = make_app(DEMO_MODE=True)
    runner = demo.test_cli_runner()
    for _ in range(2):  # safe to run again
        result = runner.invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output

    page = demo.test_client().get("/providers")
    assert provider_names(page) == ["Stourbridge Mentoring Trust"]
    assert lots_of(page, "Stourbridge Mentoring Trust") == ["Mentoring", "SEMH mentoring"]
