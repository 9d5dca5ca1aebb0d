"""Which groups to suppress so no published breakdown reveals fewer respondents than the threshold.

Primary suppression hides every group with fewer respondents than the threshold. Complementary
suppression then hides the smallest visible groups until the hidden groups together hold at least
the threshold, because a parent total minus its visible groups equals the sum of the hidden ones.
Groups with no respondents are neither shown nor counted as hiding anyone.
"""

from __future__ import annotations

from collections.abc import Mapping


def suppress_partition(counts: Mapping[str, int], threshold: int, *, total_visible: bool = True) -> frozenset[str]:
    """Labels to suppress among groups that partition a parent total.

    With ``total_visible`` the parent total is published, so complementary suppression applies;
    when the parent holds fewer than ``threshold`` respondents every non-empty group is suppressed.
    """
    _check(counts, threshold)
    primary = {label for label, count in counts.items() if 0 < count < threshold}
    if not total_visible or not primary:
        return frozenset(primary)
    hidden = set(primary)
    hidden_total = sum(counts[label] for label in hidden)
    # Smallest first, ties in the caller's order, so the outcome is reproducible.
    candidates = sorted(
        (count, position, label)
        for position, (label, count) in enumerate(counts.items())
        if count > 0 and label not in hidden
    )
    for count, _position, label in candidates:
        if hidden_total >= threshold:
            break
        hidden.add(label)
        hidden_total += count
    return frozenset(hidden)


def suppress_hierarchy(children: Mapping[str, Mapping[str, int]], threshold: int) -> frozenset[str]:
    """Labels to suppress in a tree of units, given each parent's children and their counts.

    A parent's total is the sum of its children's counts: respondents attached to a parent unit
    itself are listed as a child entry of their own (say ``"Finance (direct)"``). A child that is
    also a parent must carry the sum of its own children. Roots (parents nobody lists as a child)
    are published totals, suppressed themselves when below the threshold. Each visible parent's
    children get ``suppress_partition``; a suppressed unit's whole subtree is suppressed, because
    its visible descendants would add up to it again.
    """
    parent_of = _parents(children)
    roots = [label for label in children if label not in parent_of]
    suppressed: set[str] = set()
    visited: set[str] = set()
    for root in roots:
        total = sum(children[root].values())
        if 0 < total < threshold:
            suppressed |= _subtree(root, children)
        else:
            _suppress_below(root, children, threshold, suppressed, visited)
    if any(label not in visited and label not in suppressed for label in children):
        raise ValueError("the units form a cycle: some parent is its own ancestor")
    return frozenset(suppressed)


def _suppress_below(
    parent: str, children: Mapping[str, Mapping[str, int]], threshold: int, suppressed: set[str], visited: set[str]
) -> None:
    stack = [parent]
    while stack:
        label = stack.pop()
        visited.add(label)
        hidden = suppress_partition(children[label], threshold, total_visible=True)
        for child in children[label]:
            if child in hidden:
                suppressed |= _subtree(child, children)
            elif child in children:
                stack.append(child)


def _subtree(label: str, children: Mapping[str, Mapping[str, int]]) -> set[str]:
    found = {label}
    stack = [label]
    while stack:
        for child in children.get(stack.pop(), {}):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _parents(children: Mapping[str, Mapping[str, int]]) -> dict[str, str]:
    parent_of: dict[str, str] = {}
    for parent, counts in children.items():
        for child, count in counts.items():
            if child in parent_of:
                raise ValueError(f"unit {child!r} has two parents: {parent_of[child]!r} and {parent!r}")
            parent_of[child] = parent
            if child in children and sum(children[child].values()) != count:
                raise ValueError(
                    f"unit {child!r} is counted {count} under {parent!r} but its children add up to "
                    f"{sum(children[child].values())}"
                )
    return parent_of


def _check(counts: Mapping[str, int], threshold: int) -> None:
    if threshold < 1:
        raise ValueError(f"the anonymity threshold must be at least 1, not {threshold}")
    negative = [label for label, count in counts.items() if count < 0]
    if negative:
        raise ValueError(f"respondent counts cannot be negative: {', '.join(map(repr, negative))}")
