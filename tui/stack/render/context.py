"""What a renderer knows about the stack: the config, and the ids of what
exists already (placeholders where nothing does yet).

The same kinds write the wizard's AWS CLI view and the runnable export
script; `script` switches the shell details: in the view an id is a value or
a `<placeholder>`, in the script it is a `${VARIABLE}` a previous command
captured."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from awsrules.arns import partition

from ...config import Config

_VARIABLE = re.compile(r"(\$\{[A-Z_]+\})")
_PLACEHOLDER = re.compile(r"<[a-z0-9-]+>")
_SHELL_SAFE = re.compile(r"[\w@%+=:,./-]*", re.ASCII)  # what shlex.quote leaves bare
_DOUBLE_QUOTE_SAFE = re.compile(r'[^"\\$`!]*')  # nothing bash expands inside "..."


@dataclass(frozen=True)
class RenderContext:
    config: Config
    account: str = "<account-id>"
    api_id: str = "<api-id>"
    integration_id: str = "<integration-id>"
    script: bool = False  # lines for the export script, not the view
    base_dir: Path | None = None  # where an exported file lives: templates name code relative to it

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def partition(self) -> str:
        return partition(self.config.region)

    @classmethod
    def for_script(cls, config: Config) -> RenderContext:
        """Ids are the variables the script's earlier commands set."""
        return cls(config, "${ACCOUNT_ID}", "${API_ID}", "${INTEGRATION_ID}", script=True)

    def sh(self, text: str) -> str:
        """One shell word. `${VAR}` references stay expandable; a view's
        `<placeholders>` stay bare where the rest needs no quotes."""
        parts = _VARIABLE.split(text)
        if len(parts) == 1:
            bare = text if self.script else _PLACEHOLDER.sub("", text)
            return text if text and _SHELL_SAFE.fullmatch(bare) else self._literal(text)
        literals = parts[0::2]
        if all(_DOUBLE_QUOTE_SAFE.fullmatch(p.replace("$", "")) for p in literals):
            return '"' + "".join(p if _VARIABLE.fullmatch(p) else p.replace("$", "\\$") for p in parts) + '"'
        return "".join(f'"{p}"' if _VARIABLE.fullmatch(p) else self._literal(p) for p in parts if p)

    def _literal(self, text: str) -> str:
        # A `$` in single quotes reads like a mistake to shellcheck (SC2016);
        # in the script, escape it inside double quotes instead.
        if self.script and "$" in text:
            return '"' + re.sub(r'([\\"$`])', r"\\\1", text) + '"'
        return shlex.quote(text)

    def var(self, name: str, placeholder: str) -> str:
        """A value a script captured into $name; the view shows the placeholder."""
        return f"${{{name}}}" if self.script else placeholder

    def capture(self, name: str, query: str, lines: list[str]) -> list[str]:
        """In the script, keep the command's `query` answer in $name (the
        view shows the command alone)."""
        if not self.script:
            return lines
        *first, last = [f'{name}="$({lines[0]}', *lines[1:]]
        return [*first, f"{last} \\", f'  --query {query} --output text)"']

    def quiet(self, lines: list[str]) -> list[str]:
        """In the script, a command whose JSON answer nobody reads prints
        nothing: stdout is for the URLs at the end."""
        return [*lines[:-1], f"{lines[-1]} >/dev/null"] if self.script else lines

    def fresh_id(self, nbytes: int, placeholder: str) -> str:
        """A new random hex id (the script's random_hex helper) per use."""
        return f'"$(random_hex {nbytes})"' if self.script else placeholder
