"""build_tree and count_visible: flat rows -> nested thread (DESIGN invariant 4)."""

import sys
from dataclasses import dataclass

from comments.tree import Node, build_tree, count_visible


@dataclass
class Row:
    pk: int
    parent_id: int | None = None
    shown: bool = True


def visible(row: Row) -> bool:
    return row.shown


def pks(nodes: list[Node]) -> list[int]:
    return [n.comment.pk for n in nodes]


def shape(nodes: list[Node]) -> list:
    """Nested (pk, [children...]) tuples, for whole-tree comparisons."""
    return [(n.comment.pk, shape(n.children)) for n in nodes]


def test_tree_is_empty_when_no_rows():
    assert build_tree([], visible) == []
    assert count_visible([]) == 0


def test_roots_keep_input_order_when_all_top_level():
    rows = [Row(3), Row(1), Row(2)]
    tree = build_tree(rows, visible)
    assert pks(tree) == [3, 1, 2]
    assert all(n.children == [] for n in tree)


def test_children_nested_in_input_order_when_replies_interleave():
    rows = [
        Row(1),
        Row(2),
        Row(10, 1),
        Row(20, 2),
        Row(11, 1),
        Row(100, 10),
        Row(12, 1),
    ]
    tree = build_tree(rows, visible)
    assert shape(tree) == [
        (1, [(10, [(100, [])]), (11, []), (12, [])]),
        (2, [(20, [])]),
    ]


def test_node_keeps_row_when_built():
    row = Row(1)
    (node,) = build_tree([row], visible)
    assert node.comment is row
    assert node.visible is True
    assert node.placeholder is False


def test_hidden_leaf_dropped_when_no_children():
    rows = [Row(1), Row(2, 1, shown=False), Row(3, 1)]
    tree = build_tree(rows, visible)
    assert shape(tree) == [(1, [(3, [])])]


def test_hidden_root_dropped_when_no_children():
    tree = build_tree([Row(1, shown=False), Row(2)], visible)
    assert pks(tree) == [2]


def test_hidden_parent_kept_as_placeholder_when_child_visible():
    rows = [Row(1, shown=False), Row(2, 1)]
    (node,) = build_tree(rows, visible)
    assert node.placeholder is True
    assert node.visible is False
    assert pks(node.children) == [2]
    assert node.children[0].placeholder is False


def test_hidden_chain_kept_as_placeholders_when_deep_descendant_visible():
    rows = [Row(1, shown=False), Row(2, 1, shown=False), Row(3, 2)]
    tree = build_tree(rows, visible)
    assert shape(tree) == [(1, [(2, [(3, [])])])]
    assert tree[0].placeholder is True
    assert tree[0].children[0].placeholder is True
    assert tree[0].children[0].children[0].placeholder is False


def test_hidden_parent_dropped_when_only_descendants_hidden():
    rows = [
        Row(1, shown=False),
        Row(2, 1, shown=False),
        Row(3, 2, shown=False),
        Row(4),
    ]
    assert shape(build_tree(rows, visible)) == [(4, [])]


def test_hidden_subtree_pruned_when_nested_under_visible_parent():
    rows = [
        Row(1),
        Row(2, 1, shown=False),
        Row(3, 2, shown=False),
        Row(4, 3, shown=False),
        Row(5, 1),
    ]
    assert shape(build_tree(rows, visible)) == [(1, [(5, [])])]


def test_only_branch_with_visible_reply_kept_when_siblings_hidden():
    rows = [
        Row(1, shown=False),
        Row(2, 1, shown=False),
        Row(3, 2, shown=False),
        Row(4, 1, shown=False),
        Row(5, 4),
    ]
    tree = build_tree(rows, visible)
    assert shape(tree) == [(1, [(4, [(5, [])])])]


def test_orphan_dropped_with_subtree_when_parent_missing():
    rows = [Row(1), Row(2, 999), Row(3, 2), Row(4, 3), Row(5, 1)]
    tree = build_tree(rows, visible)
    assert shape(tree) == [(1, [(5, [])])]
    assert count_visible(tree) == 2


def test_reply_dropped_when_it_comes_before_its_parent():
    # Rows arrive oldest first, so a parent is always seen before its reply;
    # a reply seen earlier has no parent yet and is treated as an orphan.
    rows = [Row(2, 1), Row(1)]
    assert shape(build_tree(rows, visible)) == [(1, [])]


def test_count_visible_counts_only_visible_when_placeholders_present():
    rows = [
        Row(1, shown=False),
        Row(2, 1),
        Row(3, 1, shown=False),
        Row(4, 3),
        Row(5),
        Row(6, 5, shown=False),
    ]
    tree = build_tree(rows, visible)
    assert shape(tree) == [(1, [(2, []), (3, [(4, [])])]), (5, [])]
    assert count_visible(tree) == 3


def test_count_visible_counts_all_when_everything_shown():
    rows = [Row(1), Row(2, 1), Row(3, 2), Row(4)]
    assert count_visible(build_tree(rows, visible)) == 4


def test_count_visible_is_zero_when_everything_hidden():
    rows = [Row(1, shown=False), Row(2, 1, shown=False)]
    tree = build_tree(rows, visible)
    assert tree == []
    assert count_visible(tree) == 0


def test_count_visible_counts_hand_built_nodes():
    tree = [
        Node(comment=None, visible=False, children=[Node(None, True)]),
        Node(comment=None, visible=True),
    ]
    assert count_visible(tree) == 2


def test_wide_thread_built_when_thousand_replies_to_one_root():
    rows = [Row(1)] + [Row(pk, 1, shown=pk % 2 == 0) for pk in range(2, 1001)]
    tree = build_tree(rows, visible)
    assert pks(tree) == [1]
    assert pks(tree[0].children) == list(range(2, 1001, 2))
    assert count_visible(tree) == 1 + 500


def _chain(length: int, shown=lambda pk: True) -> list[Row]:
    return [Row(1, shown=shown(1))] + [
        Row(pk, pk - 1, shown=shown(pk)) for pk in range(2, length + 1)
    ]


def _depth(nodes: list[Node]) -> tuple[int, Node | None]:
    depth, last = 0, None
    while nodes:
        assert len(nodes) == 1
        depth += 1
        last = nodes[0]
        nodes = last.children
    return depth, last


def test_deep_thread_built_when_three_hundred_level_chain():
    # Posting caps depth at COMMENTS_MAX_DEPTH (5 by default), so this is far
    # beyond any real thread.
    tree = build_tree(_chain(300), visible)
    depth, _ = _depth(tree)
    assert depth == 300
    assert count_visible(tree) == 300


def test_deep_hidden_chain_kept_when_only_last_visible_row_is_deep():
    tree = build_tree(_chain(300, shown=lambda pk: pk == 250), visible)
    depth, last = _depth(tree)
    assert depth == 250
    assert last.comment.pk == 250
    assert last.placeholder is False
    assert tree[0].placeholder is True
    assert count_visible(tree) == 1


def test_deep_thread_built_when_chain_is_deeper_than_the_recursion_limit():
    depth = sys.getrecursionlimit() + 500
    tree = build_tree(_chain(depth), visible)
    assert count_visible(tree) == depth


def test_mixed_thread_built_when_thousand_rows_deep_and_wide():
    # 10 roots, each with 9 levels of 11 sibling replies; the chain continues
    # from the first sibling of each level, which is hidden (a placeholder).
    rows, pk = [], 0
    for _ in range(10):
        pk += 1
        parent = pk
        rows.append(Row(pk))
        for _depth in range(9):
            for sibling in range(11):
                pk += 1
                rows.append(Row(pk, parent, shown=sibling % 3 != 0))
            parent = pk - 10
    assert len(rows) == 1000
    tree = build_tree(rows, visible)
    assert len(tree) == 10
    assert all(root.children[0].placeholder for root in tree)
    assert count_visible(tree) == sum(1 for r in rows if r.shown)
