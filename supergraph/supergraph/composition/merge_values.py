"""Merging enums (by how they are used) and input types (common fields only)."""

from __future__ import annotations

from .merge_base import MergerBase, _human_list
from .model import (
    TypeDef,
)
from .supergraph_model import (
    JoinField,
    MergedEnumValue,
    MergedField,
    MergedType,
)


class ValueMerging(MergerBase):
    # ---- enums and inputs ----------------------------------------------------------------------

    def merge_enum(self, merged: MergedType, sources: dict[int, TypeDef]) -> None:
        usage = self.enum_usage.get(merged.name, {"Output"})
        for typedef in sources.values():
            for value in typedef.values.values():
                if value.name not in merged.values:
                    merged.values[value.name] = MergedEnumValue(value.name)
        for value_name in list(merged.values):
            dest = merged.values[value_name]
            defined = {i: t.values[value_name] for i, t in sources.items() if value_name in t.values}
            dest.description = self.merge_description([v.description for v in defined.values()])
            dest.directives = self.merge_directives([v.directives for v in defined.values()])
            dest.graphs = [self.graphs[i] for i in defined]
            inaccessible = any(d.name == "inaccessible" for d in dest.directives)
            if inaccessible or usage == {"Output"} or len(defined) == len(sources):
                continue
            if usage == {"Input", "Output"}:
                has = [f'"{self.names[i]}"' for i in defined]
                lacks = [f'"{self.names[i]}"' for i in sources if i not in defined]
                self.error(
                    "ENUM_VALUE_MISMATCH",
                    f'Enum type "{merged.name}" is used as both input type (for example, as type of '
                    f'"{self.enum_examples[(merged.name, "Input")]}") and output type (for example, as type of '
                    f'"{self.enum_examples[(merged.name, "Output")]}"), but value "{value_name}" is not defined in '
                    f'all the subgraphs defining "{merged.name}": "{value_name}" is defined in '
                    f'{_human_list(has, "subgraph", "subgraphs")} but not in '
                    f'{_human_list(lacks, "subgraph", "subgraphs")}',
                    merged.name,
                    value_name,
                )
            else:
                del merged.values[value_name]
        if not merged.values:
            self.error("EMPTY_MERGED_ENUM_TYPE",
                       f'None of the values of enum type "{merged.name}" are defined consistently in all the '
                       "subgraphs defining that type. As only values common to all subgraphs are merged, this "
                       "would result in an empty type.", merged.name)

    def merge_input(self, merged: MergedType, sources: dict[int, TypeDef]) -> None:
        names: list[str] = []
        for typedef in sources.values():
            for name in typedef.fields:
                if name not in names:
                    names.append(name)
        for name in names:
            coordinate = f"{merged.name}.{name}"
            per = {i: t.fields.get(name) for i, t in sources.items()}
            present = {i: f for i, f in per.items() if f is not None}
            dest = MergedField(name=name)
            dest.description = self.merge_description([f.description for f in present.values()])
            dest.directives = self.merge_directives([f.directives for f in present.values()])
            dest.type, all_equal = self.merge_type_reference(
                coordinate, {i: f.type for i, f in present.items()}, input_position=True
            )
            if not all_equal:
                dest.join_fields = [JoinField(graph=self.graphs[i], type=f.type) for i, f in present.items()]
            dest.default = self.merge_default(coordinate, "Input field", {i: f.default for i, f in present.items()},
                                              merged.name, name)
            if len(present) < len(per) and not dest.inaccessible:
                required = [f'"{self.names[i]}"' for i, f in present.items() if f.type.endswith("!")
                            and f.default is None]
                if required:
                    missing = [f'"{self.names[i]}"' for i, f in per.items() if f is None]
                    self.error("REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                               f'Input object field "{coordinate}" is required in some subgraphs but does not appear '
                               f'in all subgraphs: it is required in {_human_list(required, "subgraph", "subgraphs")} '
                               f'but does not appear in {_human_list(missing, "subgraph", "subgraphs")}',
                               merged.name, name)
                continue
            if len(present) < len(per):
                dest.join_fields = [JoinField(graph=self.graphs[i]) for i in present]
            merged.fields[name] = dest
        if not merged.fields:
            self.error("EMPTY_MERGED_INPUT_TYPE",
                       f'None of the fields of input object type "{merged.name}" are consistently defined in all the '
                       "subgraphs defining that type. As only fields common to all subgraphs are merged, this would "
                       "result in an empty type.", merged.name)
