"""Resolving federation directive names from a subgraph's `@link` (imports, `as:` renames, prefixes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import print_ast
from graphql.language import (
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
)

from .errors import CompositionError

FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/v(\d+)\.(\d+)/?$")
LINK_URL = re.compile(r"^https://specs\.apollo\.dev/link/v\d+\.\d+/?$")

# Federation directives and the federation version that introduced them.
FEDERATION_DIRECTIVES: dict[str, tuple[int, int]] = {
    "key": (2, 0),
    "requires": (2, 0),
    "provides": (2, 0),
    "external": (2, 0),
    "tag": (2, 0),
    "extends": (2, 0),
    "shareable": (2, 0),
    "inaccessible": (2, 0),
    "override": (2, 0),
    "composeDirective": (2, 1),
    "interfaceObject": (2, 3),
    "authenticated": (2, 5),
    "requiresScopes": (2, 5),
    "policy": (2, 6),
    "context": (2, 8),
    "fromContext": (2, 8),
    "cost": (2, 9),
    "listSize": (2, 9),
}

# What a Federation 1 subgraph may use, always under these names.
FED1_DIRECTIVES = ("key", "requires", "provides", "external", "extends", "tag", "inaccessible")


@dataclass
class FederationLink:
    fed2: bool
    version: tuple[int, int] | None
    # local directive name (without @) -> canonical federation directive name
    names: dict[str, str] = field(default_factory=dict)
    link_name: str = "link"
    errors: list[CompositionError] = field(default_factory=list)

    def local_name(self, canonical: str) -> str | None:
        for local, canon in self.names.items():
            if canon == canonical:
                return local
        return None


def _string(value: object) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def resolve_links(document: DocumentNode, subgraph: str) -> FederationLink:
    """Find `@link(url: ".../federation/v2.x")` and work out the local name of every federation directive."""
    schema_nodes = [d for d in document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)]
    for node in schema_nodes:
        for directive in node.directives or ():
            if directive.name.value != "link":
                continue
            args = {a.name.value: a.value for a in directive.arguments or ()}
            url = _string(args.get("url"))
            if url is None:
                return FederationLink(fed2=False, version=None, errors=[CompositionError(
                    "INVALID_LINK_DIRECTIVE_USAGE", f"[{subgraph}] Invalid @link: url must be a string",
                    subgraph=subgraph)])
            match = FEDERATION_URL.match(url)
            if not match:
                continue
            version = (int(match.group(1)), int(match.group(2)))
            link = FederationLink(fed2=True, version=version)
            prefix = _string(args.get("as")) or "federation"
            available = {n for n, since in FEDERATION_DIRECTIVES.items() if since <= version}
            imported: dict[str, str] = {}
            imports = args.get("import")
            if imports is not None and not isinstance(imports, ListValueNode):
                imports = ListValueNode(values=(imports,))  # a single value coerces to a list
            for item in imports.values if isinstance(imports, ListValueNode) else ():
                if isinstance(item, StringValueNode):
                    name, alias = item.value, item.value
                elif isinstance(item, ObjectValueNode):
                    fields = {f.name.value: _string(f.value) for f in item.fields}
                    name = fields.get("name") or ""
                    alias = fields.get("as") or name
                    if not name:
                        link.errors.append(CompositionError(
                            "INVALID_LINK_DIRECTIVE_USAGE",
                            f"[{subgraph}] Invalid sub-value {print_ast(item)} for @link(import:) argument: missing "
                            'mandatory "name" field.', subgraph=subgraph))
                        continue
                else:
                    continue
                if not name.startswith("@"):
                    if name not in ("FieldSet", "Scope", "Policy", "ContextFieldValue"):
                        link.errors.append(CompositionError(
                            "INVALID_LINK_DIRECTIVE_USAGE", f'[{subgraph}] Cannot import unknown element "{name}".',
                            subgraph=subgraph))
                    continue  # imported types (FieldSet, ...) need no resolving
                canonical = name[1:]
                if canonical not in available:
                    link.errors.append(
                        CompositionError(
                            "INVALID_LINK_DIRECTIVE_USAGE",
                            f'[{subgraph}] Cannot import unknown element "{name}" from federation v'
                            f"{version[0]}.{version[1]}",
                            subgraph=subgraph,
                        )
                    )
                    continue
                imported[canonical] = alias.lstrip("@")
            for canonical in sorted(available):
                local = imported.get(canonical, f"{prefix}__{canonical}")
                link.names[local] = canonical
            return link
    return FederationLink(fed2=False, version=None, names={n: n for n in FED1_DIRECTIVES})


def is_link_url(url: str) -> bool:
    return bool(LINK_URL.match(url))
