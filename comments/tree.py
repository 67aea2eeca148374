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
    attached: list[Node] = []
    roots: list[Node] = []
    for row in rows:
        node = Node(comment=row, visible=is_visible(row))
        nodes[row.pk] = node
        if row.parent_id is None:
            roots.append(node)
        elif (parent := nodes.get(row.parent_id)) is not None:
            parent.children.append(node)
        else:
            continue
        attached.append(node)
    # Replies come after their parents, so walking backwards settles every
    # child before its parent: no recursion, whatever the depth.
    keep: set[int] = set()
    for node in reversed(attached):
        node.children = [c for c in node.children if id(c) in keep]
        if node.visible or node.children:
            keep.add(id(node))
    return [r for r in roots if id(r) in keep]


def count_visible(nodes: Iterable[Node]) -> int:
    stack, total = list(nodes), 0
    while stack:
        node = stack.pop()
        total += int(node.visible)
        stack.extend(node.children)
    return total
