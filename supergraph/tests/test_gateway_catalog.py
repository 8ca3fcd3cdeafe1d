# ruff: noqa: E501 - the operations are kept on one line each, as clients send them
"""A six-subgraph catalogue (interfaces with per-subgraph implementations, interface objects with @requires on
a nested value type, a union extended elsewhere, keys other than id). Expected data cross-checked against Apollo
Gateway with compare_with_apollo.py; where they differ (nested @include/@skip) it follows the federation audit."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_catalog") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


CASES = [
    (
        "{ products { id dimensions { size weight } } }",
        {
            "products": [
                {"id": "p1", "dimensions": {"size": "small", "weight": 0.5}},
                {"id": "p3", "dimensions": {"size": "large", "weight": 2.5}},
                {"id": "p2", "dimensions": {"size": "small", "weight": 0.2}},
                {"id": "p4", "dimensions": {"size": "medium", "weight": 0.3}},
            ]
        },
    ),
    (
        '{ similar(id: "p1") { id sku } }',
        {"similar": [{"id": "p3", "sku": "sku-3"}]},
    ),
    (
        '{ book: similar(id: "p1") { id sku delivery(zip: "1234") { fastestDelivery estimatedDelivery } } magazine: similar(id: "p2") { id sku delivery(zip: "1234") { fastestDelivery estimatedDelivery } } }',
        {
            "book": [
                {
                    "id": "p3",
                    "sku": "sku-3",
                    "delivery": {"fastestDelivery": "next week", "estimatedDelivery": "5 days"},
                }
            ],
            "magazine": [
                {"id": "p4", "sku": "sku-4", "delivery": {"fastestDelivery": "next week", "estimatedDelivery": "1 day"}}
            ],
        },
    ),
    (
        "{ products { sku ... on Product { sku } ... on Book { sku } ... on Magazine { sku } ... on Similar { __typename type: __typename } } }",
        {
            "products": [
                {"sku": "sku-1", "__typename": "Book", "type": "Book"},
                {"sku": "sku-3", "__typename": "Book", "type": "Book"},
                {"sku": "sku-2", "__typename": "Magazine", "type": "Magazine"},
                {"sku": "sku-4", "__typename": "Magazine", "type": "Magazine"},
            ]
        },
    ),
    (
        "{ products { author: createdBy { email totalProductsCreated } ... on Magazine { title } } }",
        {
            "products": [
                {"author": {"email": "u1@example.com", "totalProductsCreated": 2}},
                {"author": {"email": "u2@example.com", "totalProductsCreated": 2}},
                {"author": {"email": "u1@example.com", "totalProductsCreated": 2}, "title": "Magazine 1"},
                {"author": {"email": "u2@example.com", "totalProductsCreated": 2}, "title": "Magazine 2"},
            ]
        },
    ),
    (
        "{ products { id reviews { product { sku ... on Magazine { title } ... on Book { reviewsCount } } } } }",
        {
            "products": [
                {
                    "id": "p1",
                    "reviews": [
                        {"product": {"sku": "sku-1", "reviewsCount": 2}},
                        {"product": {"sku": "sku-1", "reviewsCount": 2}},
                    ],
                },
                {"id": "p3", "reviews": []},
                {"id": "p2", "reviews": [{"product": {"sku": "sku-2", "title": "Magazine 1"}}]},
                {"id": "p4", "reviews": []},
            ]
        },
    ),
    (
        "{ products { id reviews { id } } }",
        {
            "products": [
                {"id": "p1", "reviews": [{"id": 1}, {"id": 2}]},
                {"id": "p3", "reviews": []},
                {"id": "p2", "reviews": [{"id": 3}]},
                {"id": "p4", "reviews": []},
            ]
        },
    ),
    (
        "query ($title: Boolean = true) { products { id reviews { product { id ... on Book @include(if: $title) { title } ... on Magazine { sku } } } } }",
        {
            "products": [
                {
                    "id": "p1",
                    "reviews": [
                        {"product": {"id": "p1", "title": "Book 1"}},
                        {"product": {"id": "p1", "title": "Book 1"}},
                    ],
                },
                {"id": "p3", "reviews": []},
                {"id": "p2", "reviews": [{"product": {"id": "p2", "sku": "sku-2"}}]},
                {"id": "p4", "reviews": []},
            ]
        },
    ),
    (
        "query ($title: Boolean = false) { products { id reviews { product { id ... on Book @skip(if: $title) { title } ... on Book { sku } ... on Magazine { sku } } } } }",
        {
            "products": [
                {
                    "id": "p1",
                    "reviews": [
                        {"product": {"id": "p1", "title": "Book 1", "sku": "sku-1"}},
                        {"product": {"id": "p1", "title": "Book 1", "sku": "sku-1"}},
                    ],
                },
                {"id": "p3", "reviews": []},
                {"id": "p2", "reviews": [{"product": {"id": "p2", "sku": "sku-2"}}]},
                {"id": "p4", "reviews": []},
            ]
        },
    ),
    (
        "query ($title: Boolean = true) { products { id reviews { product { id ... on Book @include(if: $title) { title ... on Book @skip(if: $title) { sku } } ... on Magazine { sku } } } } }",
        {
            "products": [
                {
                    "id": "p1",
                    "reviews": [
                        {"product": {"id": "p1", "title": "Book 1"}},
                        {"product": {"id": "p1", "title": "Book 1"}},
                    ],
                },
                {"id": "p3", "reviews": []},
                {"id": "p2", "reviews": [{"product": {"id": "p2", "sku": "sku-2"}}]},
                {"id": "p4", "reviews": []},
            ]
        },
    ),
    (
        "{ products { id reviews { product { id ... on Magazine { publisherType { ...Publisher } } ... on Book { publisherType { ...Publisher } } } } } } fragment Publisher on PublisherType { ... on Agency { id companyName } ... on Self { email } ... on Group { name } }",
        {
            "products": [
                {
                    "id": "p1",
                    "reviews": [
                        {"product": {"id": "p1", "publisherType": {"id": "a1", "companyName": "Agency One"}}},
                        {"product": {"id": "p1", "publisherType": {"id": "a1", "companyName": "Agency One"}}},
                    ],
                },
                {"id": "p3", "reviews": []},
                {
                    "id": "p2",
                    "reviews": [{"product": {"id": "p2", "publisherType": {"id": "a2", "companyName": "Agency Two"}}}],
                },
                {"id": "p4", "reviews": []},
            ]
        },
    ),
    (
        "{ products { ... on Book { publisherType { ... on Agency { email { address } } } } } }",
        {"products": [{"publisherType": {"email": {"address": "a1@agency.example"}}}, {"publisherType": {}}, {}, {}]},
    ),
    (
        "{ review(id: 1) { body product { __typename id sku reviewsCount ... on Book { title } ... on Magazine { title } } } }",
        {
            "review": {
                "body": "Great",
                "product": {"__typename": "Book", "id": "p1", "sku": "sku-1", "reviewsCount": 2, "title": "Book 1"},
            }
        },
    ),
    (
        '{ review(id: 3) { product { id delivery(zip: "9") { estimatedDelivery } } } }',
        {"review": {"product": {"id": "p2", "delivery": {"estimatedDelivery": "1 day"}}}},
    ),
    (
        "{ books { id title sku reviewsCount createdBy { email totalProductsCreated } } }",
        {
            "books": [
                {
                    "id": "p1",
                    "title": "Book 1",
                    "sku": "sku-1",
                    "reviewsCount": 2,
                    "createdBy": {"email": "u1@example.com", "totalProductsCreated": 2},
                },
                {
                    "id": "p3",
                    "title": "Book 2",
                    "sku": "sku-3",
                    "reviewsCount": 0,
                    "createdBy": {"email": "u2@example.com", "totalProductsCreated": 2},
                },
            ]
        },
    ),
    (
        "{ magazines { id similar { id title } } }",
        {
            "magazines": [
                {"id": "p2", "similar": [{"id": "p4", "title": "Magazine 2"}]},
                {"id": "p4", "similar": [{"id": "p2", "title": "Magazine 1"}]},
            ]
        },
    ),
    (
        "{ products { createdBy { reviewsWritten totalProductsCreated } } }",
        {
            "products": [
                {"createdBy": {"reviewsWritten": 1, "totalProductsCreated": 2}},
                {"createdBy": {"reviewsWritten": 1, "totalProductsCreated": 2}},
                {"createdBy": {"reviewsWritten": 1, "totalProductsCreated": 2}},
                {"createdBy": {"reviewsWritten": 1, "totalProductsCreated": 2}},
            ]
        },
    ),
    (
        "{ products { __typename ... on Similar { similar { __typename id ... on Book { title } } } } }",
        {
            "products": [
                {"__typename": "Book", "similar": [{"__typename": "Book", "id": "p3", "title": "Book 2"}]},
                {"__typename": "Book", "similar": [{"__typename": "Book", "id": "p1", "title": "Book 1"}]},
                {"__typename": "Magazine", "similar": [{"__typename": "Magazine", "id": "p4"}]},
                {"__typename": "Magazine", "similar": [{"__typename": "Magazine", "id": "p2"}]},
            ]
        },
    ),
]


@pytest.mark.parametrize(("query", "data"), CASES)
async def test_catalogue(gw, query, data):
    await check(gw, query, data)
