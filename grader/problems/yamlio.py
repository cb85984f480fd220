"""All YAML reading: SafeLoader only, with the line of every key and item.

``load_yaml`` returns the data and a ``Positions`` that maps key paths such as
``("tasks", 0, "kind")`` to 1-based line numbers, so schema errors can name the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Union

from grader.errors import GradquizError

yaml: Any = None  # PyYAML, imported on first use: a check of an already compiled problem reads no YAML


def _load_pyyaml() -> None:
    global yaml
    if yaml is None:
        import yaml as module

        yaml = module

MAX_NODES = 100_000  # aliases can multiply a small file into a huge tree
MAX_DEPTH = 64  # levels of nesting kept (deeper is refused, with its line)
_MAP_TAG = "tag:yaml.org,2002:map"  # the implicit tags of a plain mapping and list
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SET_TAG, _OMAP_TAG, _PAIRS_TAG = (f"tag:yaml.org,2002:{name}" for name in ("set", "omap", "pairs"))
TOO_DEEP = f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)"


KeyPath = tuple[Union[str, int], ...]  # noqa: UP007 - ("tasks", 0, "kind"): a runtime alias


class Positions(dict[KeyPath, int]):
    """Key path (tuple) -> 1-based line; ``line_of`` falls back to the nearest parent."""

    def line_of(self, path: Iterable[str | int]) -> int | None:
        path = tuple(path)
        while path:
            if path in self:
                return self[path]
            path = path[:-1]
        return self.get((), None)


def load_yaml(path: Path | str, text: str | None = None) -> tuple[Any, Positions]:
    """Parse one YAML file into plain data; errors are GradquizError with file and line."""
    path = Path(path)
    if text is None:
        text = read_text(path)
    loader, node = _compose(text, path)
    positions = Positions()
    if node is None:
        return None, positions
    builder = _Builder(loader, path, positions)
    try:
        return builder.build(node, ()), positions
    except RecursionError:
        raise GradquizError(TOO_DEEP, path) from None


def _compose(text: str, path: Path) -> tuple[Any, Any]:
    """(loader, node tree): with libyaml when PyYAML has it (five times faster on a long answers
    file); on an error, PyYAML's own parser says what and where, as it always has."""
    _load_pyyaml()
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        loader = fast(text)
        try:
            return loader, loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            if "maximum nesting depth" in str(exc.problem):
                mark = exc.problem_mark or exc.context_mark
                raise GradquizError(TOO_DEEP, path, mark.line + 1 if mark else None) from None
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        return loader, loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise GradquizError(f"invalid YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise GradquizError(f"invalid YAML: {exc}", path) from None
    except RecursionError:  # PyYAML's composer recurses: a file nested hundreds deep ends here
        raise GradquizError(TOO_DEEP, path) from None
    finally:
        loader.dispose()


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GradquizError("no such file", path) from None
    except IsADirectoryError:
        raise GradquizError("is a folder, expected a file", path) from None
    except UnicodeDecodeError as exc:
        raise GradquizError(f"not UTF-8 text ({exc.reason})", path) from None
    except OSError as exc:
        raise GradquizError(f"cannot read ({exc.strerror})", path) from None


class _Builder:
    def __init__(self, loader: Any, path: Path, positions: Positions) -> None:
        self.loader = loader
        self.path = path
        self.positions = positions
        self.count = 0
        self.open: set[int] = set()  # the collections being built: an alias to one is a loop

    def build(self, node: Any, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise GradquizError("the YAML is too large (too many items)", self.path)
        line = node.start_mark.line + 1
        if len(path) > MAX_DEPTH:  # aliases can nest deeper than the text does
            raise GradquizError(TOO_DEEP, self.path, line)
        self.positions.setdefault(path, line)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            self._plain_tag(node, line)
            if id(node) in self.open:
                raise GradquizError("an alias refers to an item that contains it (a loop)", self.path, line)
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path)
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        return self._scalar(node)

    def _scalar(self, node: Any) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:  # its own text would add a second line: the mark, already ours
            problem = (exc.problem or exc.context or "cannot be read").strip()
            raise GradquizError(f"invalid value: {problem}", self.path, node.start_mark.line + 1) from None
        except yaml.YAMLError as exc:
            raise GradquizError(f"invalid value: {exc}", self.path, node.start_mark.line + 1) from None
        except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4300 digits
            digits = "more than 4300 digits" if "digits" in str(exc) else "out of range"
            raise GradquizError(f"invalid value: a number too long to read ({digits})", self.path,
                                node.start_mark.line + 1) from None

    def _plain_tag(self, node: Any, line: int) -> None:
        """A list or mapping is read as plain data: a tag on one (``!foo [1]``, ``!!set {a}``,
        ``!!python/object/apply:...``) is refused as a scalar's unknown tag is, not ignored."""
        plain = _MAP_TAG if isinstance(node, yaml.MappingNode) else _SEQ_TAG
        if node.tag == plain:
            return
        if node.tag in (_SET_TAG, _OMAP_TAG, _PAIRS_TAG):  # SafeLoader's own: read, but not as plain data
            short = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise GradquizError(f"invalid value: the tag '{short}' is not read here (write a plain list or mapping)",
                                self.path, line)
        raise GradquizError(f"invalid value: could not determine a constructor for the tag '{node.tag}'",
                            self.path, line)

    def _mapping(self, node: Any, path: KeyPath) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise GradquizError("a key must be a plain name", self.path, line)
            key = self._scalar(key_node)
            if key in out:
                raise GradquizError(f"duplicate key '{key}'", self.path, line)
            self.positions[path + (key,)] = line
            out[key] = self.build(value_node, path + (key,))
            self.positions[path + (key,)] = line
        return out
