"""Flat, ordered comment rows -> a nested thread. Pure Python, no queries.

The thread selector loads an article's comments in one query, oldest first,
so a parent always comes before its replies; this module only arranges them
(DESIGN invariant 4).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Node:
    comment: Any
    visible: bool
    children: list["Node"] = field(default_factory=list)

    @property
    def placeholder(self) -> bool:
        """Hidden, but kept so that its visible replies keep their place."""
        return not self.visible


def build_tree(rows: Iterable[Any], is_visible: Callable[[Any], bool]) -> list[Node]:
    """Nest rows by parent_id. A hidden row survives as a placeholder only
    when something below it is visible; otherwise it is dropped. A row whose
    parent is missing from the rows is dropped with its subtree."""
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for row in rows:
        node = Node(comment=row, visible=is_visible(row))
        nodes[row.pk] = node
        if row.parent_id is None:
            roots.append(node)
        elif (parent := nodes.get(row.parent_id)) is not None:
            parent.children.append(node)
    return _prune(roots)


def _prune(level: list[Node]) -> list[Node]:
    kept = []
    for node in level:
        node.children = _prune(node.children)
        if node.visible or node.children:
            kept.append(node)
    return kept


def count_visible(nodes: Iterable[Node]) -> int:
    return sum(int(n.visible) + count_visible(n.children) for n in nodes)
