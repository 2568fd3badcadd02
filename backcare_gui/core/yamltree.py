"""Safe YAML reading into a small node tree that remembers where every value stands.

PyYAML's own composer is recursive (deep nesting raises RecursionError, or overflows the C stack
in the C composer) and expands aliases without limit. So we build the tree ourselves from the
parser's event stream: iteratively, with a nesting limit, a limit on the expanded size of aliases,
and no YAML tags at all (safe loading never executes anything; tags are refused outright so a
routine file is always plain data). Scalars are resolved with PyYAML's own resolver, so `5`,
`2.5`, `true` and `~` mean what they mean in any YAML tool.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

try:  # the C parser is several times faster; fall back to pure Python where libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
# Counting every node an alias would copy: generous for any real routine (a few hundred nodes),
# tiny next to a "billion laughs" file.
MAX_EXPANDED_NODES = 100_000


class Pos(NamedTuple):
    """A place in a file: 1-based line and column, as editors count them. (A NamedTuple: one is
    made per YAML node, and a frozen dataclass costs several times as much to build.)"""

    line: int
    col: int

    @classmethod
    def of(cls, mark: Any) -> Pos:
        return cls(mark.line + 1, mark.column + 1)


class YamlProblem(Exception):  # noqa: N818 - a problem in the file, not an error of ours
    """The file is not readable as plain, safe YAML. `pos` is None when there is no place."""

    def __init__(self, message: str, pos: Pos | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


@dataclass(slots=True)
class Node:
    pos: Pos
    size: int = 1  # nodes this one stands for once aliases are expanded


@dataclass(slots=True)
class Scalar(Node):
    value: Any = None
    text: str = ""  # the source text, for messages


@dataclass(slots=True)
class Seq(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Map(Node):
    # key text -> (key node, value node); insertion ordered like the file
    entries: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)


def kind_name(node: Node) -> str:
    """How a value reads to a person writing a routine file."""
    if isinstance(node, Map):
        return "a mapping (key: value lines)"
    if isinstance(node, Seq):
        return "a list"
    assert isinstance(node, Scalar)
    value = node.value
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {node.text!r}"
    if isinstance(value, int | float):
        return f"the number {node.text}"
    return f"the text {node.text!r}"


_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TYPED_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
# The first characters for which PyYAML's resolver may find a type other than text; any other
# plain scalar ("Lie on your back") is text without asking it.
_MAY_BE_TYPED = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k) | {""}


def _scalar(event: yaml.ScalarEvent) -> Scalar:
    text = event.value
    value: Any = text
    if event.implicit[0] and text[:1] in _MAY_BE_TYPED:  # plain: resolve 5 / 2.5 / true / ~
        if text.isascii() and text.isdigit() and text[0] != "0":
            value = int(text)  # the common case, without the resolver's regular expressions
        else:
            tag = _RESOLVER.resolve(yaml.ScalarNode, text, event.implicit)  # type: ignore[no-untyped-call]
            if tag in _TYPED_TAGS:
                value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR,
                                                            yaml.ScalarNode(tag, text))
    return Scalar(pos=Pos.of(event.start_mark), value=value, text=text)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or a problem naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save it as UTF-8 in your editor",
            Pos(line, col),
        ) from None


def read_limited(path: Path) -> bytes:
    """A file's bytes, refusing oversized files before reading them whole."""
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise YamlProblem(f"the file is larger than {MAX_FILE_BYTES // 1024} KiB; routine files "
                          "are small text files")
    return data


def _events(text: str) -> Iterator[yaml.Event]:
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            assert event is not None
            yield event
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlProblem(f"YAML syntax: {problem}", Pos.of(mark) if mark else None) from None
    except yaml.YAMLError as exc:  # ReaderError (control characters) and the like
        raise YamlProblem(f"YAML: {_reader_message(exc)}") from None
    finally:
        loader.dispose()


def _reader_message(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        return f"the file contains a character that YAML does not allow ({exc.character!r})"
    return str(exc).splitlines()[0] if str(exc) else "the file is not valid YAML"


def parse(text: str) -> Node | None:
    """Parse one YAML document into a node tree; None for an empty document."""
    # open collections with their anchor (registered only once closed: an alias inside its own
    # anchor would make a cycle) and, for mappings, the key awaiting its value
    stack: list[tuple[Seq | Map, str | None]] = []
    pending_key: list[Scalar | None] = []
    anchors: dict[str, Node] = {}
    root: Node | None = None
    documents = 0
    total = 0

    def attach(node: Node, cost: int) -> None:
        nonlocal root, total
        total += cost
        if total > MAX_EXPANDED_NODES:
            raise YamlProblem("the file expands to far too much data (anchors and aliases "
                              "repeated over and over); write the routine out plainly",
                              node.pos)
        if not stack:
            root = node
            return
        parent = stack[-1][0]
        parent.size += node.size
        if isinstance(parent, Seq):
            parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            if not isinstance(node, Scalar) or isinstance(node.value, bool) \
                    or not isinstance(node.value, str | int | float):
                raise YamlProblem("a key must be a plain word, not " + kind_name(node), node.pos)
            pending_key[-1] = node
            return
        pending_key[-1] = None
        name = str(key.value)
        if name in parent.entries:
            parent.problems.append(YamlProblem(f"duplicate key {name!r}", key.pos))
        parent.entries[name] = (key, node)

    for event in _events(text):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem("the file holds more than one YAML document ('---'); "
                                  "put one routine in each file", Pos.of(event.start_mark))
        elif isinstance(event, yaml.CollectionEndEvent):
            done, anchor = stack.pop()
            if isinstance(done, Map):
                pending_key.pop()
            attach(done, 1)
            if anchor:
                anchors[anchor] = done
        elif isinstance(event, yaml.NodeEvent):
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise YamlProblem(f"YAML tags such as {shown!r} are not allowed in routine files "
                                  "(plain values only)", Pos.of(event.start_mark))
            if isinstance(event, yaml.AliasEvent):
                target = anchors.get(event.anchor or "")
                if target is None:
                    raise YamlProblem(f"the alias *{event.anchor} has no finished anchor "
                                      f"&{event.anchor} before it", Pos.of(event.start_mark))
                attach(target, target.size)
            elif isinstance(event, yaml.ScalarEvent):
                node = _scalar(event)
                attach(node, 1)
                if event.anchor:
                    anchors[event.anchor] = node
            else:
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(f"the file is nested more than {MAX_DEPTH} levels deep",
                                      Pos.of(event.start_mark))
                pos = Pos.of(event.start_mark)
                if isinstance(event, yaml.SequenceStartEvent):
                    stack.append((Seq(pos=pos), event.anchor))
                else:
                    stack.append((Map(pos=pos), event.anchor))
                    pending_key.append(None)
    return root


