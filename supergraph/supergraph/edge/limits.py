"""What an operation would cost before it runs: depth, aliases, root fields, tokens and an estimated cost.

Computed once per query text (the result is cached by the caller) and linear in the document: each fragment's
figures are worked out once and reused wherever it is spread, so a "fragment bomb" costs nothing to measure.
The cost follows Apollo's demand-control estimate (the IBM cost spec): an object field costs 1 plus its
selection, scalars cost 0, a list multiplies by its size, a mutation root field costs 10. A supergraph's
`@cost(weight:)` (on fields, or on the object types they return) and `@listSize(assumedSize:,
slicingArguments:, sizedFields:)` take precedence; without them a list's size is its literal
`first`/`last`/`limit` argument (which also sizes the lists right under it, as in connections) or an
assumed size. A slicing argument given as a variable counts as the assumed size (the estimate is made
once per query text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    get_named_type,
    is_composite_type,
)
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    IntValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from .errors import Refusal
from .settings import EdgeSettings

SLICING_ARGUMENTS = ("first", "last", "limit", "pageSize", "take")
_TYPES_WITH_FIELDS = (ObjectTypeDefinitionNode, ObjectTypeExtensionNode, InterfaceTypeDefinitionNode,
                      InterfaceTypeExtensionNode)
MUTATION_FIELD_COST = 10


@dataclass(frozen=True, slots=True)
class ListSize:
    assumed: int | None
    slicing: tuple[str, ...]
    sized_fields: tuple[str, ...]


@dataclass
class CostDirectives:
    """The supergraph's @cost and @listSize (Apollo's cost spec, linked as https://specs.apollo.dev/cost)."""

    field_weights: dict[tuple[str, str], int] = field(default_factory=dict)
    type_weights: dict[str, int] = field(default_factory=dict)
    list_sizes: dict[tuple[str, str], ListSize] = field(default_factory=dict)

    @classmethod
    def from_supergraph(cls, sdl: str) -> CostDirectives:
        from graphql.utilities import value_from_ast_untyped

        from ..loading import read_links

        document = parse(sdl, no_location=True)
        found = cls()
        feature = next((link for link in read_links(document) if link.name == "cost"), None)
        if feature is None:
            return found
        cost_name = feature.directive(None)
        list_size_name = feature.imports.get("listSize") or f"{feature.prefix}__listSize"

        def args(directive: Any) -> dict[str, Any]:
            return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}

        for definition in document.definitions:
            if not isinstance(definition, _TYPES_WITH_FIELDS):
                continue
            type_name = definition.name.value
            for directive in definition.directives or ():
                if directive.name.value == cost_name:
                    found.type_weights[type_name] = int(args(directive).get("weight", 1))
            for field_def in definition.fields or ():
                coordinate = (type_name, field_def.name.value)
                for directive in field_def.directives or ():
                    if directive.name.value == cost_name:
                        found.field_weights[coordinate] = int(args(directive).get("weight", 0))
                    elif directive.name.value == list_size_name:
                        a = args(directive)
                        found.list_sizes[coordinate] = ListSize(
                            int(a["assumedSize"]) if a.get("assumedSize") is not None else None,
                            tuple(a.get("slicingArguments") or ()), tuple(a.get("sizedFields") or ()))
        return found


@dataclass(frozen=True, slots=True)
class Figures:
    depth: int = 0
    aliases: int = 0
    cost: int = 0


@dataclass(frozen=True, slots=True)
class OperationFacts:
    kind: str  # query, mutation or subscription
    root_fields: int
    figures: Figures
    introspection: bool  # selects __schema or __type at its root
    refusal: Refusal | None


@dataclass(slots=True)
class DocumentFacts:
    document: DocumentNode | None
    operations: dict[str | None, OperationFacts]
    refusal: Refusal | None = None  # the whole document is refused (too many tokens)
    valid: bool | None = None  # against the API schema; worked out only when an operation must be rewritten

    def operation(self, name: str | None) -> list[OperationFacts]:
        """The operation a request selects; all of them when the choice is ambiguous (the gateway reports that)."""
        if name is not None and name in self.operations:
            return [self.operations[name]]
        if name is None and len(self.operations) == 1:
            return list(self.operations.values())
        return list(self.operations.values())


def _list_levels(type_: object) -> int:
    levels = 0
    while True:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        elif isinstance(type_, GraphQLList):
            levels += 1
            type_ = type_.of_type
        else:
            return levels


def _slice_size(node: FieldNode, names: tuple[str, ...] = SLICING_ARGUMENTS) -> int | None:
    """The largest literal slicing argument (first, last, …) given to a field, if any."""
    sizes = [max(0, int(a.value.value)) for a in node.arguments or ()
             if a.name.value in names and isinstance(a.value, IntValueNode)]
    return max(sizes) if sizes else None


class _Measure:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], list_size: int,
                 costs: CostDirectives | None = None):
        self.schema = schema
        self.costs = costs or CostDirectives()
        self.fragments = fragments
        self.list_size = list_size
        self.memo: dict[str, Figures] = {}
        self.active: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None, parent: object,
                      sized: tuple[int, tuple[str, ...] | None] | None) -> Figures:
        """`sized`: a size the parent field gives to its list fields (all of them, or those named)."""
        if selection_set is None:
            return Figures()
        depth = aliases = cost = 0
        fields = getattr(parent, "fields", None) or {}
        parent_name = getattr(parent, "name", "")
        costs = self.costs
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    aliases += 1
                name = selection.name.value
                definition = fields.get(name)
                if definition is None or name.startswith("__"):
                    inner = self.selection_set(selection.selection_set, None, None)
                    depth = max(depth, 1 + inner.depth)
                    aliases += inner.aliases
                    continue
                named = get_named_type(definition.type)
                declared = costs.list_sizes.get((parent_name, name))
                if declared is not None:
                    size = _slice_size(selection, declared.slicing) if declared.slicing else None
                    if size is None:
                        size = declared.assumed
                    child_sized = (size if size is not None else self.list_size, declared.sized_fields) \
                        if declared.sized_fields else None
                else:
                    size = _slice_size(selection)
                    child_sized = (size, None) if size is not None else None
                inner = self.selection_set(selection.selection_set, named, child_sized)
                depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases
                weight = costs.field_weights.get((parent_name, name))
                if weight is None:
                    weight = costs.type_weights.get(named.name, 1 if is_composite_type(named) else 0)
                field_cost = weight + inner.cost
                if field_cost:
                    per_list = size if size is not None else self.list_size
                    if sized is not None and (sized[1] is None or name in sized[1]):
                        per_list = sized[0]
                    for _ in range(_list_levels(definition.type)):
                        field_cost *= per_list
                    cost += field_cost
            elif isinstance(selection, InlineFragmentNode):
                cond = selection.type_condition
                target = self.schema.get_type(cond.name.value) if cond is not None else parent
                inner = self.selection_set(selection.selection_set, target, sized)
                depth, aliases, cost = max(depth, inner.depth), aliases + inner.aliases, cost + inner.cost
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
                depth, aliases, cost = max(depth, inner.depth), aliases + inner.aliases, cost + inner.cost
        return Figures(depth, aliases, cost)

    def fragment(self, name: str) -> Figures:
        known = self.memo.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None or name in self.active:  # unknown or cyclic: validation reports it later
            return Figures()
        self.active.add(name)
        target = self.schema.get_type(definition.type_condition.name.value)
        figures = self.selection_set(definition.selection_set, target, None)
        self.active.discard(name)
        self.memo[name] = figures
        return figures


def _root_fields(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode],
                 seen: frozenset[str] = frozenset()) -> tuple[int, bool]:
    count, introspection = 0, False
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += 1
            introspection = introspection or selection.name.value in ("__schema", "__type")
        else:
            if isinstance(selection, InlineFragmentNode):
                inner = selection.selection_set
            else:
                name = selection.name.value  # type: ignore[union-attr]
                if name in seen or name not in fragments:
                    continue
                inner, seen = fragments[name].selection_set, seen | {name}
            more, intro = _root_fields(inner, fragments, seen)
            count, introspection = count + more, introspection or intro
    return count, introspection


def analyse(query: str, schema: GraphQLSchema, settings: EdgeSettings,
            costs: CostDirectives | None = None) -> DocumentFacts:
    """Measure a query text and decide, once, whether each of its operations is within the limits."""
    try:
        document = parse(query, no_location=False, max_tokens=settings.max_tokens)
    except GraphQLError as exc:
        if "tokens. parsing aborted" in exc.message.lower():
            return DocumentFacts(None, {}, Refusal(
                400, "MAX_TOKENS_LIMIT", f"The operation has more than {settings.max_tokens} tokens.",
                {"limit": settings.max_tokens}))
        return DocumentFacts(None, {})  # a syntax error: the gateway reports it with its location
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    measure = _Measure(schema, fragments, settings.assumed_list_size, costs)
    operations: dict[str | None, OperationFacts] = {}
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        kind = definition.operation.value
        root = {"query": schema.query_type, "mutation": schema.mutation_type,
                "subscription": schema.subscription_type}[kind]
        figures = measure.selection_set(definition.selection_set, root, None)
        roots, introspection = _root_fields(definition.selection_set, fragments)
        if kind == "mutation":
            figures = Figures(figures.depth, figures.aliases, figures.cost + MUTATION_FIELD_COST * roots)
        refusal = _refusal(figures, roots, introspection, settings)
        operations[definition.name.value if definition.name else None] = OperationFacts(
            kind, roots, figures, introspection, refusal)
    return DocumentFacts(document, operations)


def _refusal(figures: Figures, roots: int, introspection: bool, settings: EdgeSettings) -> Refusal | None:
    checks = (
        (figures.depth, settings.max_depth, "MAX_DEPTH_LIMIT", "The operation is nested {value} levels deep; "
         "the limit is {limit}."),
        (figures.aliases, settings.max_aliases, "MAX_ALIASES_LIMIT", "The operation uses {value} aliases; "
         "the limit is {limit}."),
        (roots, settings.max_root_fields, "MAX_ROOT_FIELDS_LIMIT", "The operation selects {value} root fields; "
         "the limit is {limit}."),
        (figures.cost, settings.max_cost, "COST_ESTIMATED_TOO_EXPENSIVE", "The operation's estimated cost is "
         "{value}; the limit is {limit}."),
    )
    for value, limit, code, message in checks:
        if value > limit:
            return Refusal(400, code, message.format(value=value, limit=limit), {"value": value, "limit": limit})
    if introspection and not settings.introspection_enabled:
        return Refusal(400, "INTROSPECTION_DISABLED", "Introspection is turned off on this gateway.")
    return None
