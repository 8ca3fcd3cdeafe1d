"""Selection sets being built for subgraph queries (mutable while planning, printed once)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class OutField:
    key: str
    name: str
    args_text: str = ""
    selection: OutSel | None = None
    source: str | None = None  # representations only: the response key the value is read from


@dataclass(eq=False)
class OutSel:
    fields: dict[str, OutField] = field(default_factory=dict)
    fragments: dict[str, OutSel] = field(default_factory=dict)  # type condition -> selection

    def add_field(self, key: str, name: str, args_text: str = "", composite: bool = False) -> OutField:
        existing = self.fields.get(key)
        if existing is not None:
            if composite and existing.selection is None:
                existing.selection = OutSel()
            return existing
        f = OutField(key, name, args_text, OutSel() if composite else None)
        self.fields[key] = f
        return f

    def fragment(self, type_condition: str) -> OutSel:
        sel = self.fragments.get(type_condition)
        if sel is None:
            sel = self.fragments[type_condition] = OutSel()
        return sel

    def is_empty(self) -> bool:
        return not self.fields and all(f.is_empty() for f in self.fragments.values())

    def print(self) -> str:
        parts: list[str] = []
        for f in self.fields.values():
            text = f.name if f.key == f.name else f"{f.key}: {f.name}"
            text += f.args_text
            if f.selection is not None:
                inner = f.selection.print()
                text += " " + (inner if inner else "{ __typename }")
            parts.append(text)
        for cond, sel in self.fragments.items():
            inner = sel.print()
            if inner:
                parts.append(f"... on {cond} {inner}")
        return "{ " + " ".join(parts) + " }" if parts else ""

    def print_indented(self, indent: int) -> list[str]:
        pad = "  " * indent
        lines: list[str] = []
        for f in self.fields.values():
            text = pad + (f.name if f.key == f.name else f"{f.key}: {f.name}") + f.args_text
            if f.selection is not None and not f.selection.is_empty():
                lines.append(text + " {")
                lines.extend(f.selection.print_indented(indent + 1))
                lines.append(pad + "}")
            else:
                lines.append(text)
        for cond, sel in self.fragments.items():
            if sel.is_empty():
                continue
            lines.append(f"{pad}... on {cond} {{")
            lines.extend(sel.print_indented(indent + 1))
            lines.append(pad + "}")
        return lines
