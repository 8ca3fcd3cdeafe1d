"""Loading supergraphs: the model the planner uses, the API schema clients see, and refusals."""

import pytest
from graphql import print_schema
from supergraph_fixtures.bench import WORKLOAD
from supergraph_testkit import FIXTURES

from supergraph.api_schema import build_api_schema
from supergraph.loading import SupergraphError, load_supergraph


def test_model_keeps_keys_join_fields_and_security_directives():
    sg = load_supergraph((FIXTURES / "sc_auth.graphql").read_text())
    assert sg.graphs["A"].name == "a"
    user = sg.types["User"]
    assert [k.fields for k in user.graphs["A"].keys] == ["id"]
    assert sg.types["Query"].fields["me"].authenticated
    assert not sg.types["Query"].fields["users"].authenticated
    assert user.fields["email"].requires_scopes == [["read:email"], ["admin"]]
    assert user.fields["internal"].inaccessible
    assert sg.types["Secret"].authenticated


def test_api_schema_drops_machinery_and_inaccessible_elements():
    api = print_schema(build_api_schema((FIXTURES / "sc_auth.graphql").read_text()))
    assert "join__" not in api and "link__" not in api and "requiresScopes__" not in api
    assert "@authenticated" not in api and "internal" not in api
    assert "email: String" in api


@pytest.mark.parametrize("name", ["sc_entities", "sc_fed1", "sc_progressive", "sc_interface_object"])
def test_fixture_supergraphs_load(name):
    sg = load_supergraph((FIXTURES / f"{name}.graphql").read_text())
    assert sg.join_version in {"0.3", "0.4", "0.5"}
    assert sg.graphs


def test_benchmark_supergraph_fields_and_requires():
    sg = load_supergraph((WORKLOAD / "supergraph.graphql").read_text())
    estimate = sg.field_in_graph("Product", "shippingEstimate", "INVENTORY")
    assert estimate is not None and estimate.requires is not None
    assert not sg.resolves_locally("Product", "price", "INVENTORY")  # external there
    assert sg.resolves_locally("Product", "price", "PRODUCTS")
    assert sg.resolves_locally("Product", "upc", "REVIEWS")  # no @join__field: every graph of the type


@pytest.mark.parametrize(("sdl", "message"), [
    ("type Query { a: Int }", "does not @link the join spec"),
    ("{ not sdl", "does not parse"),
])
def test_refuses_what_is_not_a_supergraph(sdl, message):
    with pytest.raises(SupergraphError, match=message):
        load_supergraph(sdl)
