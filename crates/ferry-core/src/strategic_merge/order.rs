//! apimachinery's list ordering after a merge (`normalizeElementOrder` and
//! `mergeSortedSlice`): items named by the patch (or `$setElementOrder`) take the patch's
//! order; live-only items keep their live order and are interleaved before a patch item
//! only when they came before it in the live list.

use serde_json::Value;

use super::same_value;

/// How list items are identified when ordering: by a merge key, or by the whole value.
pub(super) enum OrderKey {
    Field(String),
    Whole,
}

impl OrderKey {
    fn id<'v>(&self, item: &'v Value) -> Option<&'v Value> {
        match self {
            OrderKey::Field(k) => item.get(k),
            OrderKey::Whole => Some(item),
        }
    }

    fn position(&self, list: &[Value], item: &Value) -> Option<usize> {
        let wanted = self.id(item)?;
        list.iter().position(|v| self.id(v).is_some_and(|id| same_value(id, wanted)))
    }
}

/// Reorders `merged`: items present in `patch_order` first by that order, with items only
/// on the server interleaved according to `server_order`.
pub(super) fn normalize(
    merged: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: &OrderKey,
) -> Vec<Value> {
    let (mut patched, mut server_only): (Vec<Value>, Vec<Value>) =
        merged.into_iter().partition(|item| key.position(patch_order, item).is_some());
    sort_by(&mut patched, patch_order, key);
    sort_by(&mut server_only, server_order, key);
    interleave(server_only, patched, server_order, key)
}

fn sort_by(items: &mut [Value], order: &[Value], key: &OrderKey) {
    items.sort_by_key(|item| key.position(order, item).unwrap_or(usize::MAX));
}

/// `mergeSortedSlice(left = server-only, right = patch items)`.
fn interleave(left: Vec<Value>, right: Vec<Value>, server: &[Value], key: &OrderKey) -> Vec<Value> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => match (key.position(server, l), key.position(server, r)) {
                (Some(li), Some(ri)) => li < ri,
                _ => false,
            },
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}
