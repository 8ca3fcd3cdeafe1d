"""@authenticated and @requiresScopes, enforced the way Apollo Router does: before planning, the fields a
user may not see are taken out of the operation (so no subgraph is asked for them), and afterwards their
paths are filled with null and an error (UNAUTHENTICATED or FORBIDDEN), with null propagation as the spec
says. The rest of the operation answers normally.

Rules come from the supergraph model (field and type directives). A field is refused when its own rule, the
rule of the type it returns, or (on an interface) the rule of that field on any implementation is not met;
fields inside a fragment on a refused type are refused for objects of that type. A selection left empty
is kept as an aliased `__typename` (taken out of the answer again), so the parent still answers and the
refused children get errors at exact paths.

The rewritten operation and the map of refused paths are cached per (query text, operation, what the user
may see), so repeated operations cost a dict lookup.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    get_named_type,
    is_abstract_type,
    print_ast,
)
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

from bookshare_common.credential import Principal

from ..model import Supergraph

PROBE = "_edgeTypename"  # an aliased __typename the edge adds where it must know an object's type; removed again
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
MAX_SELECTIONS = 50_000  # fragments are inlined when rewriting; a document that grows past this is refused


class RewriteTooLarge(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Requirement:
    authenticated: bool = False
    scopes: tuple[tuple[frozenset[str], ...], ...] = ()  # all of these; each one: any of the alternatives

    def verdict(self, principal: Principal) -> str | None:
        if self.authenticated and not principal.authenticated:
            return UNAUTHENTICATED
        for alternatives in self.scopes:
            if not any(needed <= principal.scopes for needed in alternatives):
                return FORBIDDEN if principal.authenticated else UNAUTHENTICATED
        return None

    def __add__(self, other: Requirement) -> Requirement:
        return Requirement(self.authenticated or other.authenticated, self.scopes + other.scopes)


NONE = Requirement()


def _requirement(authenticated: bool, scopes: list[list[str]]) -> Requirement:
    alternatives = tuple(frozenset(s) for s in scopes)
    return Requirement(authenticated, (alternatives,) if alternatives else ())


@dataclass(slots=True)
class Slot:
    """A response key of one selection set: refused (null + error), or holding refused keys further down."""

    key: str
    coordinate: str
    types: frozenset[str] | None  # the object types it applies to; None: every object here
    refused: str | None = None  # UNAUTHENTICATED / FORBIDDEN
    non_null: bool = False
    items_non_null: tuple[bool, ...] = ()  # per list level, whether its items are non-null
    children: list[Slot] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # the value's response keys in operation order
    probe: bool = False  # the value's objects carry PROBE
    conditions: tuple[Any, ...] = ()  # @skip/@include on the refused field or its fragments, per request


@dataclass(slots=True)
class Filtered:
    query: str | None  # the operation to run; None: nothing is left to ask any subgraph
    root: Slot  # the refused paths (root.children empty: nothing was refused)


_INVALID = object()  # marks a value nulled by a refused non-null field, to propagate upwards


class Authorization:
    def __init__(self, supergraph: Supergraph, schema: GraphQLSchema, cache_size: int = 2000) -> None:
        self.schema = schema
        self.types: dict[str, Requirement] = {}
        self.fields: dict[tuple[str, str], Requirement] = {}
        for type_def in supergraph.types.values():
            if type_def.authenticated or type_def.requires_scopes:
                self.types[type_def.name] = _requirement(type_def.authenticated, type_def.requires_scopes)
        for type_def in supergraph.types.values():
            for field_def in type_def.fields.values():
                need = NONE
                if field_def.authenticated or field_def.requires_scopes:
                    need = _requirement(field_def.authenticated, field_def.requires_scopes)
                need = need + self.types.get(field_def.type_name, NONE)
                if need != NONE:
                    self.fields[(type_def.name, field_def.name)] = need
        # An interface field is only as open as the same field on every implementation.
        for name, type_ in schema.type_map.items():
            if not is_abstract_type(type_) or not hasattr(type_, "fields"):
                continue
            for field_name in type_.fields:  # type: ignore[union-attr]
                need = self.fields.get((name, field_name), NONE)
                for implementation in schema.get_possible_types(type_):  # type: ignore[arg-type]
                    need = need + self.fields.get((implementation.name, field_name), NONE)
                if need != NONE:
                    self.fields[(name, field_name)] = need
        self.scopes = frozenset(s for r in (*self.types.values(), *self.fields.values())
                                for alternatives in r.scopes for needed in alternatives for s in needed)
        self.active = bool(self.types or self.fields)
        self._cache: OrderedDict[tuple[Any, ...], Filtered | None] = OrderedDict()
        self._cache_size = cache_size

    def filter(self, query: str, document: DocumentNode, operation_name: str | None,
               principal: Principal) -> Filtered | None:
        """The operation without what `principal` may not see; None when nothing needs to be taken out."""
        scopes = principal.scopes & self.scopes if principal.scopes else frozenset()
        key = (query, operation_name, principal.authenticated, scopes)
        try:
            return self._cache[key]
        except KeyError:
            pass
        filtered = _Rewrite(self, principal, document).run(operation_name)
        self._cache[key] = filtered
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return filtered


class _Rewrite:
    def __init__(self, authz: Authorization, principal: Principal, document: DocumentNode) -> None:
        self.authz = authz
        self.schema = authz.schema
        self.principal = principal
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.document = document
        self.selections = 0
        self.refused = False

    def run(self, operation_name: str | None) -> Filtered | None:
        operations = [d for d in self.document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is not None:
            operations = [o for o in operations if o.name and o.name.value == operation_name]
        if len(operations) != 1:
            return None  # the gateway reports the missing or ambiguous operation
        operation = operations[0]
        root_type = {"query": self.schema.query_type, "mutation": self.schema.mutation_type,
                     "subscription": self.schema.subscription_type}[operation.operation.value]
        if root_type is None:
            return None
        root = Slot("", "", None)
        kept = self._selection_set(operation.selection_set, root_type, None, None, root, ())
        if not self.refused:
            return None
        if not kept:
            return Filtered(None, root)
        rewritten = OperationDefinitionNode(
            operation=operation.operation, name=operation.name, directives=operation.directives,
            variable_definitions=_used_variables(operation, kept), selection_set=SelectionSetNode(selections=kept))
        return Filtered(print_ast(DocumentNode(definitions=(rewritten,))), root)

    def _possible(self, type_name: str) -> frozenset[str]:
        type_ = self.schema.get_type(type_name)
        if type_ is None:
            return frozenset()
        if is_abstract_type(type_):
            return frozenset(t.name for t in self.schema.get_possible_types(type_))  # type: ignore[arg-type]
        return frozenset((type_name,))

    def _selection_set(self, selection_set: SelectionSetNode, parent: Any, types: frozenset[str] | None,
                       forced: str | None, slot: Slot, conditions: tuple[Any, ...]) -> list[Any]:
        """Selections to keep; refused keys become Slots of `slot` (for objects whose type is in `types`)."""
        kept: list[Any] = []
        fields = getattr(parent, "fields", None) or {}
        for selection in selection_set.selections:
            self.selections += 1
            if self.selections > MAX_SELECTIONS:
                raise RewriteTooLarge()
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                if key not in slot.order:
                    slot.order.append(key)
                name = selection.name.value
                if name.startswith("__") or name not in fields:
                    kept.append(selection)
                    continue
                definition = fields[name]
                need = self.authz.fields.get((parent.name, name))
                verdict = forced or (need.verdict(self.principal) if need is not None else None)
                if verdict is not None:
                    self.refused = True
                    conditional = conditions + _conditions(selection)
                    if not any(s.key == key and s.refused and s.types == types and s.conditions == conditional
                               for s in slot.children):
                        slot.children.append(Slot(key, f"{parent.name}.{name}", types, verdict,
                                                  *_nullability(definition.type), conditions=conditional))
                    continue
                if selection.selection_set is None:
                    kept.append(selection)
                    continue
                child = Slot(key, f"{parent.name}.{name}", types, None, *_nullability(definition.type))
                named = get_named_type(definition.type)
                inner = self._selection_set(selection.selection_set, named, None, None, child, ())
                if child.children:
                    slot.children.append(child)
                    narrowed = is_abstract_type(named) and any(c.types is not None for c in child.children)
                    if narrowed or not inner:  # the type is needed, or nothing else is left to select
                        child.probe = True
                        inner.append(FieldNode(alias=NameNode(value=PROBE), name=NameNode(value="__typename")))
                kept.append(FieldNode(alias=selection.alias, name=selection.name, arguments=selection.arguments,
                                      directives=selection.directives, selection_set=SelectionSetNode(
                                          selections=tuple(inner))))
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else None
                inner_set, directives = selection.selection_set, selection.directives
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition, inner_set = fragment.type_condition.name.value, fragment.selection_set
                directives = selection.directives
            target = self.schema.get_type(condition) if condition else parent
            inner_types = types
            inner_forced = forced
            if condition is not None and condition != parent.name:
                narrowed = self._possible(condition)
                inner_types = narrowed if types is None else types & narrowed
            if condition is not None:
                need = self.authz.types.get(condition)
                if need is not None and inner_forced is None:
                    inner_forced = need.verdict(self.principal)
            inner = self._selection_set(inner_set, target, inner_types, inner_forced, slot,
                                        conditions + _conditions(selection))
            if inner:
                kept.append(InlineFragmentNode(
                    type_condition=NamedTypeNode(name=NameNode(value=condition)) if condition else None,
                    directives=directives, selection_set=SelectionSetNode(selections=tuple(inner))))
        return kept


def _conditions(node: Any) -> tuple[Any, ...]:
    return tuple(d for d in node.directives or () if d.name.value in ("skip", "include"))


def _included(conditions: tuple[Any, ...], variables: dict[str, Any]) -> bool:
    """Whether @skip/@include let a refused field into this request's response (then it gets its error)."""
    for directive in conditions:
        argument = next((a for a in directive.arguments or () if a.name.value == "if"), None)
        if argument is None:
            continue
        value = argument.value
        flag = bool(variables.get(value.name.value)) if isinstance(value, VariableNode) else \
            bool(getattr(value, "value", False))
        if flag is (directive.name.value == "skip"):
            return False
    return True


def _nullability(type_: Any) -> tuple[bool, tuple[bool, ...]]:
    non_null = isinstance(type_, GraphQLNonNull)
    items: list[bool] = []
    inner = type_.of_type if non_null else type_
    while isinstance(inner, GraphQLList):
        inner = inner.of_type
        items.append(isinstance(inner, GraphQLNonNull))
        if isinstance(inner, GraphQLNonNull):
            inner = inner.of_type
    return non_null, tuple(items)


def _used_variables(operation: OperationDefinitionNode, kept: list[Any]) -> Any:
    """Variable definitions still used once refused fields are gone (GraphQL refuses unused ones)."""
    if not operation.variable_definitions:
        return operation.variable_definitions
    from graphql.language import Visitor, visit

    used: set[str] = set()

    class _Collect(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            used.add(node.name.value)

    visit(SelectionSetNode(selections=tuple(kept)), _Collect())
    for directive in operation.directives or ():
        visit(directive, _Collect())
    return tuple(v for v in operation.variable_definitions if v.variable.name.value in used)


# ------------------------------------------------------------------------------------------- the response


def _message(code: str, coordinate: str) -> str:
    if code == UNAUTHENTICATED:
        return f"Sign in to see {coordinate}."
    return f"You are not allowed to see {coordinate}: your access token lacks the scopes it requires."


def complete(filtered: Filtered, data: Any, errors: list[dict[str, Any]], variables: Any = None) -> Any:
    """Put the refused fields back as null (with their errors) into `data`; returns the new data."""
    if data is None:
        data = {} if filtered.query is None else None
    variables = variables if isinstance(variables, dict) else {}
    if data is None:
        for slot in filtered.root.children:
            if slot.refused and (not slot.conditions or _included(slot.conditions, variables)):
                errors.append(_error(slot, [slot.key]))
        return None
    result = _object(data, filtered.root, [], errors, variables)
    return None if result is _INVALID else result


def _error(slot: Slot, path: list[Any]) -> dict[str, Any]:
    assert slot.refused is not None
    return {"message": _message(slot.refused, slot.coordinate), "path": path,
            "extensions": {"code": slot.refused}}


def _object(obj: dict[str, Any], slot: Slot, path: list[Any], errors: list[dict[str, Any]],
            variables: dict[str, Any]) -> Any:
    typename = obj.pop(PROBE, None) if slot.probe else None
    invalid = False
    inserted = False
    for child in slot.children:
        if child.types is not None and typename not in child.types:
            continue
        if child.refused is not None:
            if child.conditions and not _included(child.conditions, variables):
                continue
            errors.append(_error(child, [*path, child.key]))
            if child.key not in obj:
                inserted = True
            obj[child.key] = None
            invalid = invalid or child.non_null
            continue
        value = obj.get(child.key)
        if value is None:
            continue
        value = _value(value, child, [*path, child.key], 0, errors, variables)
        if value is _INVALID:
            obj[child.key] = None
            invalid = invalid or child.non_null
        else:
            obj[child.key] = value
    if invalid:
        return _INVALID
    if inserted:  # keep the operation's key order
        ordered = {k: obj[k] for k in slot.order if k in obj}
        ordered.update((k, v) for k, v in obj.items() if k not in ordered)
        return ordered
    return obj


def _value(value: Any, slot: Slot, path: list[Any], level: int, errors: list[dict[str, Any]],
           variables: dict[str, Any]) -> Any:
    if isinstance(value, list) and level < len(slot.items_non_null):
        invalid = False  # every item is still visited: each one's error is reported, as GraphQL does
        for index, item in enumerate(value):
            if item is None:
                continue
            fixed = _value(item, slot, [*path, index], level + 1, errors, variables)
            if fixed is _INVALID:
                invalid = invalid or slot.items_non_null[level]
                value[index] = None
            else:
                value[index] = fixed
        return _INVALID if invalid else value
    if isinstance(value, dict):
        return _object(value, slot, path, errors, variables)
    return value
