"""Templates as YAML the way people write them: keys in the kinds' order,
intrinsic functions in their short form (`!Ref`, `!GetAtt`, `!Sub`),
code as a literal block, lists indented under their key, no anchors; and
the reverse, for tests and tools that read a template back."""

from __future__ import annotations

from typing import Any

import yaml


class _Tagged:
    """An intrinsic function written as a YAML tag."""

    def __init__(self, tag: str, value: Any):
        self.tag, self.value = tag, value


def _short_forms(node: Any) -> Any:
    if isinstance(node, dict):
        if len(node) == 1:
            ((name, value),) = node.items()
            if name == "Ref":
                return _Tagged("!Ref", value)
            if name == "Fn::GetAtt" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                return _Tagged("!GetAtt", ".".join(value))
            if isinstance(name, str) and name.startswith("Fn::"):
                return _Tagged(f"!{name[4:]}", _short_forms(value))
        return {key: _short_forms(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_short_forms(value) for value in node]
    return node


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a policy used twice is written twice, not as &id001

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # "Key:\n  - item", as sam init writes lists

    def choose_scalar_style(self) -> str:
        # PyYAML quotes every tagged scalar; `!Ref MyRole` needs no quotes
        # wherever the same text would be plain untagged.
        style = super().choose_scalar_style()
        event, analysis = self.event, self.analysis
        if (
            style == "'"
            and isinstance(event, yaml.ScalarEvent)
            and (event.tag or "").startswith("!")
            and not event.style
            and analysis is not None
            and not analysis.multiline
            and not analysis.empty
            and (analysis.allow_flow_plain if self.flow_level else analysis.allow_block_plain)
        ):
            return ""
        return style


def _tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None  # code reads as code
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_Tagged, _tagged)
_Dumper.add_representer(str, _text)


def dump(template: dict[str, Any], header: list[str] | None = None) -> str:
    """The template as YAML, after `# `-comment lines."""
    body = yaml.dump(
        _short_forms(template),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 16,
        allow_unicode=True,
    )
    # Every line break YAML knows starts a new comment line: text from the
    # config must not end a comment and become template.
    lines = [part for line in header or [] for part in line.splitlines() or [""]]
    comments = "".join(f"# {line}".rstrip() + "\n" for line in lines)
    return comments + body


class _Loader(yaml.SafeLoader):
    pass


def _long_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _long_form)


def load(text: str) -> Any:
    """A template written by dump (or by hand in short form), with
    intrinsic functions in their long form."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader with CloudFormation's tags
