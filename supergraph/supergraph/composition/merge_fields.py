"""Merging fields: @override, @external, types and arguments, join__field, and the field sharing rule."""

from __future__ import annotations

import difflib
import re

from graphql.language import ValueNode

from .fieldsets import parse_context
from .merge_base import Hint, MergerBase, _human_list, _OverrideState, _value_key
from .model import (
    INTERFACE,
    Field,
)
from .supergraph_model import (
    JoinField,
    MergedArgument,
    MergedField,
    MergedType,
)
from .typerefs import is_subtype

_LABEL = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-:./]*$")
_PERCENT = re.compile(r"^percent\((\d{1,2}(\.\d{1,8})?|100)\)$")


class FieldMerging(MergerBase):
    # ---- fields --------------------------------------------------------------------------------

    def validate_override(self, merged: MergedType, name: str, per: dict[int, Field | None]) -> _OverrideState:
        state = _OverrideState()
        coordinate = f"{merged.name}.{name}"
        with_override = {
            idx: f for idx, f in per.items()
            if f is not None and f.override is not None and self.subgraphs[idx].fed2
        }
        if not with_override:
            return state
        overriding_names = {self.names[i] for i in with_override}
        for idx, f in with_override.items():
            subgraph = self.names[idx]
            typedef = self.subgraphs[idx].types[merged.name]
            source = f.override
            assert source is not None
            if typedef.kind == INTERFACE:
                self.error("OVERRIDE_ON_INTERFACE",
                           f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph}": @override '
                           "is not supported on interface type fields.", merged.name, name, subgraph)
                continue
            if typedef.interface_object:
                self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                           f"@override is not yet supported on fields of @interfaceObject types: cannot be used on "
                           f'field "{coordinate}" on subgraph "{subgraph}".', merged.name, name, subgraph)
                continue
            if source not in self.names:
                state.unknown_target.add(idx)
                close = difflib.get_close_matches(source, self.names, n=1)
                extra = f' Did you mean "{close[0]}"?' if close else ""
                self.hints.append(Hint("FROM_SUBGRAPH_DOES_NOT_EXIST",
                                       f'Source subgraph "{source}" for field "{coordinate}" on subgraph '
                                       f'"{subgraph}" does not exist.{extra}', subgraph, merged.name, name))
                continue
            if source == subgraph:
                self.error("OVERRIDE_FROM_SELF_ERROR",
                           f'Source and destination subgraphs "{source}" are the same for overridden field '
                           f'"{coordinate}"', merged.name, name, subgraph)
                continue
            if source in overriding_names:
                self.error("OVERRIDE_SOURCE_HAS_OVERRIDE",
                           f'Field "{coordinate}" on subgraph "{subgraph}" is also marked with directive @override '
                           f'in subgraph "{source}". Only one @override directive is allowed per field.',
                           merged.name, name, subgraph)
                continue
            from_idx = self.names.index(source)
            from_field = per.get(from_idx)
            if from_field is None:
                abstracting = self.abstracted_by_interface_object(merged, name, from_idx)
                if abstracting:
                    self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                               f'Invalid @override on field "{coordinate}" of subgraph "{subgraph}": source '
                               f'subgraph "{source}" does not have field "{coordinate}" but abstract it in an '
                               "@interfaceObject and overriding abstracted fields is not supported.",
                               merged.name, name, subgraph)
                    continue
                self.hints.append(Hint("OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                                       f'Field "{coordinate}" on subgraph "{subgraph}" no longer exists in the from '
                                       "subgraph. The @override directive can be removed.", subgraph, merged.name,
                                       name))
                continue
            conflicting = "requires" if from_field.requires else "provides" if from_field.provides else None
            if conflicting is None and f.external:
                self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                           f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph}" since '
                           f'"{coordinate}" on "{subgraph}" is marked with directive "@external"',
                           merged.name, name, subgraph)
                continue
            if conflicting:
                self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                           f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph}" since '
                           f'"{coordinate}" on "{source}" is marked with directive "@{conflicting}"',
                           merged.name, name, subgraph)
                continue
            if from_field.external:
                self.hints.append(Hint("OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                                       f'Field "{coordinate}" on subgraph "{subgraph}" is not resolved anymore by the '
                                       f'from subgraph (it is marked "@external" in "{source}"). The @override '
                                       "directive can be removed.", subgraph, merged.name, name))
            elif (merged.name, name) in self.used[from_idx]:
                state.used_overridden.add(from_idx)
            else:
                state.unused_overridden.add(from_idx)
            label = f.override_label
            if label is not None:
                match = _PERCENT.match(label)
                if _LABEL.match(label) or (match and float(match.group(1)) <= 100):
                    state.labels[idx] = label
                    state.labels[from_idx] = label
                else:
                    self.error("OVERRIDE_LABEL_INVALID",
                               f'Invalid @override label "{label}" on field "{coordinate}" on subgraph '
                               f'"{subgraph}": labels must start with a letter and after that may contain '
                               "alphanumerics, underscores, minuses, colons, periods, or slashes. Alternatively, "
                               'labels may be of the form "percent(x)" where x is a float between 0-100 inclusive.',
                               merged.name, name, subgraph)
        return state

    def merge_field(self, merged: MergedType, name: str, per: dict[int, Field | None],
                    state: _OverrideState) -> MergedField | None:
        coordinate = f"{merged.name}.{name}"
        all_external = True
        for idx, f in per.items():
            if f is None:
                abstracting = self.abstracted_by_interface_object(merged, name, idx)
                all_external = all_external and all(a.external for _, a in abstracting)
            else:
                all_external = all_external and f.external
        if all_external:
            defining = [f'"{self.names[i]}"' for i, f in per.items() if f is not None]
            self.error("EXTERNAL_MISSING_ON_BASE",
                       f'Field "{coordinate}" is marked @external on all the subgraphs in which it is listed '
                       f'({_human_list(defining, "subgraph", "subgraphs")}).', merged.name, name)
            return None
        present = {i: f for i, f in per.items() if f is not None}
        resolving = {i: f for i, f in present.items() if not f.external}
        dest = MergedField(name=name)
        dest.description = self.merge_description([f.description for f in resolving.values()])
        dest.directives = self.merge_directives([f.directives for f in resolving.values()])
        for idx, f in present.items():
            if f.external and f.directives:
                bad = f.directives[0]
                self.error("MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                           f'[{self.names[idx]}] Cannot apply merged directive @{bad.name} to external field '
                           f'"{coordinate}"', merged.name, name, self.names[idx])
        self.merge_arguments(coordinate, dest, resolving)
        type_sources = {i: f.type for i, f in (resolving or present).items()}
        dest.type, all_equal = self.merge_type_reference(coordinate, type_sources, input_position=False)
        if any(f.external for f in present.values()):
            self.validate_external_fields(coordinate, merged.name, dest, per, all_equal)
        if self.needs_join_field(merged.name, per, all_equal, state):
            for idx, f in per.items():
                if f is None or (idx in state.unused_overridden and idx not in state.labels):
                    continue
                dest.join_fields.append(JoinField(
                    graph=self.graphs[idx],
                    requires=f.requires,
                    provides=f.provides,
                    type=None if all_equal else f.type,
                    external=f.external,
                    override=f.override if self.subgraphs[idx].fed2 else None,
                    used_overridden=idx in state.used_overridden,
                    override_label=state.labels.get(idx),
                    context_arguments=self.context_arguments(idx, f),
                ))
        return dest

    def validate_external_fields(self, coordinate: str, type_name: str, dest: MergedField,
                                 per: dict[int, Field | None], all_equal: bool) -> None:
        invalid_type: list[str] = []
        missing: list[str] = []
        for idx, f in per.items():
            if f is None or not f.external:
                continue
            if not (f.type == dest.type or (not all_equal and is_subtype(dest.type, f.type, self.is_member))):
                invalid_type.append(self.names[idx])
            for arg_name in dest.args:
                if arg_name not in f.args and arg_name not in missing:
                    missing.append(arg_name)
        if invalid_type:
            self.error("EXTERNAL_TYPE_MISMATCH",
                       f'Type of field "{coordinate}" is incompatible across subgraphs (where marked @external): '
                       "it has " + self.mismatch({i: f'type "{f.type}"' for i, f in per.items() if f is not None},
                                       f'type "{dest.type}"'),
                       type_name, dest.name, ", ".join(invalid_type))
        for arg_name in missing:
            arg_coordinate = f"{coordinate}({arg_name}:)"
            # like Apollo, "not in" lists every subgraph without the argument, with the field or not
            having = [f'"{self.names[i]}"' for i, f in per.items() if f is not None and arg_name in f.args]
            lacking = [f'"{n}"' for n in self.names if f'"{n}"' not in having]
            self.error("EXTERNAL_ARGUMENT_MISSING",
                       f'Field "{coordinate}" is missing argument "{arg_coordinate}" in some subgraphs where it is '
                       f'marked @external: argument "{arg_coordinate}" is declared in '
                       f'{_human_list(having, "subgraph", "subgraphs")} but not in '
                       f'{_human_list(lacking, "subgraph", "subgraphs")} (where "{coordinate}" is @external).',
                       type_name, dest.name, ", ".join(n.strip('"') for n in lacking))

    def context_arguments(self, idx: int, field: Field) -> list[tuple[str, str, str, str]]:
        """@fromContext arguments as join__field(contextArguments:) entries (context names get the subgraph's)."""
        found = []
        for arg in field.args.values():
            context = parse_context(arg.from_context) if arg.from_context else None
            if context is not None:
                found.append((f"{self.names[idx]}__{context[0]}", arg.name, arg.type, context[1]))
        return found

    def needs_join_field(self, parent: str, per: dict[int, Field | None], all_equal: bool,
                         state: _OverrideState) -> bool:
        if not all_equal or state.used_overridden or state.labels:
            return True
        if any(f is not None and any(a.from_context for a in f.args.values()) for f in per.values()):
            return True
        for idx, f in per.items():
            if f is not None and idx not in state.unused_overridden:
                if f.external or f.provides or f.requires:
                    return True
            elif parent in self.subgraphs[idx].types:
                return True
        return False

    def merge_arguments(self, coordinate: str, dest: MergedField, resolving: dict[int, Field]) -> None:
        names: list[str] = []
        for f in resolving.values():
            for arg in f.args:
                if arg not in names:
                    names.append(arg)
        type_name, _, field_name = coordinate.partition(".")
        for arg_name in names:
            per = {i: f.args.get(arg_name) for i, f in resolving.items()}
            arg_coordinate = f"{coordinate}({arg_name}:)"
            if any(a is not None and a.from_context for a in per.values()):
                # a contextual argument is filled by the gateway, never by clients: not in the supergraph
                for i, a in per.items():
                    if a is not None and not a.from_context and a.type.endswith("!") and a.default is None:
                        self.error("CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS",
                                   f'Argument "{arg_coordinate}" is contextual in at least one subgraph but in '
                                   f'"{arg_coordinate}" it does not have @fromContext, is not nullable and has no '
                                   "default value.", type_name, field_name, self.names[i])
                continue
            if any(a is None for a in per.values()):
                required = [f'"{self.names[i]}"' for i, a in per.items()
                            if a is not None and a.type.endswith("!") and a.default is None]
                if required:
                    missing = [f'"{self.names[i]}"' for i, a in per.items() if a is None]
                    self.error("REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                               f'Argument "{arg_coordinate}" is required in some subgraphs but does not appear in all '
                               f'subgraphs: it is required in {_human_list(required, "subgraph", "subgraphs")} but '
                               f'does not appear in {_human_list(missing, "subgraph", "subgraphs")}',
                               type_name, field_name)
                continue
            present = {i: a for i, a in per.items() if a is not None}
            arg = MergedArgument(name=arg_name)
            arg.description = self.merge_description([a.description for a in present.values()])
            arg.directives = self.merge_directives([a.directives for a in present.values()])
            arg.type, _ = self.merge_type_reference(
                arg_coordinate, {i: a.type for i, a in present.items()}, input_position=True, is_argument=True
            )
            arg.default = self.merge_default(arg_coordinate, "Argument", {i: a.default for i, a in present.items()},
                                             type_name, field_name)
            dest.args[arg_name] = arg

    def merge_default(self, coordinate: str, kind: str, defaults: dict[int, ValueNode | None], type_name: str,
                      field_name: str | None) -> ValueNode | None:
        dest: ValueNode | None = None
        seen = inconsistent = incompatible = False
        for value in defaults.values():
            if dest is None:
                dest = value
                inconsistent = inconsistent or (seen and value is not None)
            elif _value_key(dest) != _value_key(value):
                inconsistent = True
                incompatible = incompatible or value is not None
            seen = True
        if incompatible:
            described = {i: f"default value {_value_key(v)}" if v is not None else "no default value"
                         for i, v in defaults.items()}
            code = "ARGUMENT_DEFAULT_MISMATCH" if kind == "Argument" else "INPUT_FIELD_DEFAULT_MISMATCH"
            self.error(code, f'{kind} "{coordinate}" has incompatible default values across subgraphs: it has '
                       + self.mismatch(described, f"default value {_value_key(dest)}"), type_name, field_name)
        # a default present in only some subgraphs is dropped (a hint in Apollo)
        return dest if (not inconsistent or incompatible) else None

    def validate_field_sharing(self, merged: MergedType, coordinate: str, name: str, per: dict[int, Field | None],
                               state: _OverrideState) -> None:
        shareable: list[str] = []
        non_shareable: list[tuple[int, str]] = []
        resolving: list[str] = []

        def categorise(idx: int, label: str, f: Field) -> None:
            if f.external and not f.provided:
                return
            resolving.append(label)
            if f.shareable:
                shareable.append(label)
            else:
                non_shareable.append((idx, label))

        for idx, f in per.items():
            label = f'"{self.names[idx]}"'
            if f is None:
                for interface, abstract in self.abstracted_by_interface_object(merged, name, idx):
                    categorise(idx, f'{label} (through @interfaceObject field "{interface}.{abstract.name}")',
                               abstract)
                continue
            if idx in state.used_overridden or idx in state.unused_overridden:
                continue
            categorise(idx, label, f)
        if non_shareable and (shareable or len(non_shareable) > 1):
            where = (_human_list([lbl for _, lbl in non_shareable], "subgraph", "subgraphs")
                     if shareable else "all of them")
            extra = ""
            for idx, label in non_shareable:
                if idx in state.unknown_target:
                    extra = (f' (please note that "{coordinate}" has an @override directive in {label} that targets '
                             "an unknown subgraph so this could be due to misspelling the @override(from:) argument)")
                    break
            self.error(
                "INVALID_FIELD_SHARING",
                f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is resolved from '
                f'{_human_list(resolving, "subgraph", "subgraphs")} and defined as non-shareable in {where}{extra}',
                merged.name,
                name,
                subgraph=", ".join(self.names[i] for i, _ in non_shareable),
            )
