"""Shaping merged subgraph data into the client's response: keys and order of the operation, unrequested fields
dropped, __typename filled in, and nulls propagated to the nearest nullable parent as the GraphQL spec says."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)

from .operation import FieldSel, Sel

_INVALID = object()  # a non-null position that ended up null: the parent must become null

# type descriptors: ("nn", inner) | ("list", inner) | ("leaf", enum values or None) | ("obj", type name, abstract)
TDesc = tuple


class Shaper:
    def __init__(self, schema: GraphQLSchema):
        self.schema = schema
        self._tdesc: dict[tuple[str, str], TDesc] = {}
        self._object_types = {n for n, t in schema.type_map.items() if isinstance(t, GraphQLObjectType)}
        self._possible: dict[str, set[str]] = {}
        for n, t in schema.type_map.items():
            if isinstance(t, GraphQLInterfaceType | GraphQLUnionType):
                self._possible[n] = {p.name for p in schema.get_possible_types(t)}

    def _desc(self, gtype: Any) -> TDesc:
        if isinstance(gtype, GraphQLNonNull):
            return ("nn", self._desc(gtype.of_type))
        if isinstance(gtype, GraphQLList):
            return ("list", self._desc(gtype.of_type))
        if isinstance(gtype, GraphQLEnumType):
            return ("leaf", frozenset(gtype.values))
        if isinstance(gtype, GraphQLObjectType):
            return ("obj", gtype.name, False)
        if isinstance(gtype, GraphQLInterfaceType | GraphQLUnionType):
            return ("obj", gtype.name, True)
        return ("leaf", None)

    def field_desc(self, type_name: str, field_name: str) -> TDesc | None:
        k = (type_name, field_name)
        d = self._tdesc.get(k)
        if d is None:
            t = self.schema.type_map.get(type_name)
            f = t.fields.get(field_name) if isinstance(t, GraphQLObjectType | GraphQLInterfaceType) else None
            if f is None:
                return None
            d = self._tdesc[k] = self._desc(f.type)
        return d

    def applies(self, condition: str | None, runtime: str) -> bool:
        return condition is None or condition == runtime or runtime in self._possible.get(condition, ())


_LEAF, _TYPENAME, _ENUM, _OTHER, _UNKNOWN, _OBJ, _OBJ_LIST = range(7)


def _flat_path(path: Any) -> list[Any]:
    out: list[Any] = []
    while path:
        path, key = path
        out.append(key)
    out.reverse()
    return out


class ResponseShaper:
    """Per plan: for each (selection list, runtime type) the fields to emit are compiled once into a flat node,
    so shaping a response is one tight loop per object (this runs on every request)."""

    def __init__(self, shaper: Shaper):
        self.s = shaper
        self._nodes: dict[tuple[int, str], list[tuple[str, int, bool, Any]]] = {}
        self._keep: list[Any] = []  # keeps merged selection lists alive so their ids stay unique

    def node(self, sels: list[Sel], runtime: str) -> list[tuple[str, int, bool, Any]]:
        ck = (id(sels), runtime)
        hit = self._nodes.get(ck)
        if hit is not None:
            return hit
        order: dict[str, list[Any]] = {}

        def visit(items: list[Sel]) -> None:
            for s in items:
                if isinstance(s, FieldSel):
                    entry = order.get(s.key)
                    if entry is None:
                        order[s.key] = [s.name, None if s.selections is None else list(s.selections)]
                    elif s.selections is not None:
                        entry[1].extend(s.selections)
                elif self.s.applies(s.type_condition, runtime):
                    visit(s.selections)

        visit(sels)
        result: list[tuple[str, int, bool, Any]] = []
        for key, (name, sub) in order.items():
            if name == "__typename":
                result.append((key, _TYPENAME, False, runtime))
                continue
            desc = self.s.field_desc(runtime, name)
            if desc is None:
                result.append((key, _UNKNOWN, False, None))
                continue
            nn = desc[0] == "nn"
            inner = desc[1] if nn else desc
            if sub is not None:
                self._keep.append(sub)
            if inner[0] == "leaf" and inner[1] is None:
                result.append((key, _LEAF, nn, (runtime, name)))
            elif inner[0] == "obj" and not inner[2] and sub is not None:
                # a concrete object type: the child node is known without looking at the data
                result.append((key, _OBJ, nn, [sub, inner[1], None, runtime, name]))
            elif inner[0] == "list" and sub is not None:
                item = inner[1]
                item_nn = item[0] == "nn"
                item = item[1] if item_nn else item
                if item[0] == "obj" and not item[2]:
                    result.append((key, _OBJ_LIST, nn, [sub, item[1], None, runtime, name, item_nn]))
                else:
                    result.append((key, _OTHER, False, (desc, sub, runtime, name)))
            elif inner[0] == "leaf":
                result.append((key, _ENUM, nn, (inner[1], runtime, name)))
            else:
                result.append((key, _OTHER, False, (desc, sub, runtime, name)))
        self._nodes[ck] = result
        return result

    def shape(self, root_type: str, sels: list[Sel], data: dict[str, Any], errors: list[dict[str, Any]]) -> Any:
        r = self._object(data, self.node(sels, root_type), None, errors)
        return None if r is _INVALID else r

    def _object(self, obj: dict[str, Any], node: list[tuple[str, int, bool, Any]], path: Any, errors: list) -> Any:
        out: dict[str, Any] = {}
        get = obj.get
        for key, kind, nn, extra in node:
            if kind == _LEAF:
                v = get(key)
                if v is None and nn:
                    self._null_error(errors, (path, key), extra[0], extra[1])
                    return _INVALID
                out[key] = v
            elif kind == _OBJ:
                v = get(key)
                if v is not None:
                    if type(v) is not dict:
                        v = None
                    else:
                        child = extra[2]
                        if child is None:
                            child = extra[2] = self.node(extra[0], extra[1])
                        v = self._object(v, child, (path, key), errors)
                        if v is _INVALID:
                            if nn:
                                return _INVALID  # the error was recorded where the null started
                            v = None
                if v is None and nn:
                    self._null_error(errors, (path, key), extra[3], extra[4])
                    return _INVALID
                out[key] = v
            elif kind == _OBJ_LIST:
                v = get(key)
                if v is not None:
                    if type(v) is not list:
                        v = None
                    else:
                        child = extra[2]
                        if child is None:
                            child = extra[2] = self.node(extra[0], extra[1])
                        item_nn = extra[5]
                        here = (path, key)
                        items = []
                        for i, item in enumerate(v):
                            if item is None or type(item) is not dict:
                                if item_nn:
                                    self._null_error(errors, (here, i), extra[3], extra[4])
                                    items = None
                                    break
                                items.append(None)
                                continue
                            r = self._object(item, child, (here, i), errors)
                            if r is _INVALID:
                                if item_nn:
                                    items = None
                                    break
                                r = None
                            items.append(r)
                        v = items
                if v is None and nn:
                    self._null_error(errors, (path, key), extra[3], extra[4])
                    return _INVALID
                out[key] = v
            elif kind == _OTHER:
                desc, sub, parent, name = extra
                v = self._complete(get(key), desc, sub, (path, key), errors, parent, name)
                if v is _INVALID:
                    return _INVALID
                out[key] = v
            elif kind == _TYPENAME:
                out[key] = extra
            elif kind == _ENUM:
                v = get(key)
                allowed, parent, name = extra
                if v is not None and (not isinstance(v, str) or v not in allowed):
                    errors.append({
                        "message": f"Enum value {v!r} of {parent}.{name} is not part of the API schema.",
                        "path": _flat_path((path, key)),
                    })
                    v = None
                if v is None and nn:
                    self._null_error(errors, (path, key), parent, name)
                    return _INVALID
                out[key] = v
            else:
                out[key] = None
        return out

    def _complete(
        self, v: Any, desc: TDesc, sub: list[Sel] | None, path: Any, errors: list, parent: str, name: str
    ) -> Any:
        kind = desc[0]
        if kind == "nn":
            r = self._complete(v, desc[1], sub, path, errors, parent, name)
            if r is None or r is _INVALID:
                if r is None:
                    self._null_error(errors, path, parent, name)
                return _INVALID
            return r
        if v is None:
            return None
        if kind == "leaf":
            allowed = desc[1]
            if allowed is not None and (not isinstance(v, str) or v not in allowed):
                errors.append({
                    "message": f"Enum value {v!r} of {parent}.{name} is not part of the API schema.",
                    "path": _flat_path(path),
                })
                return None
            return v
        if kind == "list":
            if not isinstance(v, list):
                return None
            out = []
            inner = desc[1]
            for i, item in enumerate(v):
                r = self._complete(item, inner, sub, (path, i), errors, parent, name)
                if r is _INVALID:
                    return None
                out.append(r)
            return out
        # object
        if not isinstance(v, dict) or sub is None:
            return None
        if desc[2]:
            runtime = v.get("__typename")
            if runtime not in self.s._object_types or not self.s.applies(desc[1], runtime):
                if runtime != desc[1]:
                    return None
                # data from an @interfaceObject subgraph only: shape it by the interface's own fields
        else:
            runtime = desc[1]
        node = self._nodes.get((id(sub), runtime)) or self.node(sub, runtime)
        r = self._object(v, node, path, errors)
        return None if r is _INVALID else r

    @staticmethod
    def _null_error(errors: list, path: Any, parent: str, name: str) -> None:
        plist = _flat_path(path)
        for e in errors:
            ep = e.get("path")
            if ep is None:
                return
            n = min(len(ep), len(plist))
            if ep[:n] == plist[:n]:
                return
        errors.append({"message": f"Cannot return null for non-nullable field {parent}.{name}.", "path": plist})
