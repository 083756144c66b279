//! The webhook's `data.inventory` while it serves: a snapshot that can be replaced at any time
//! (by whatever keeps it current, e.g. watches of a live cluster) while every review reads one
//! consistent snapshot from start to end, and what the inventory is still waiting for before it
//! is complete (the webhook's readiness).

use std::sync::{Arc, RwLock};

use crate::policy::Inventory;

/// A shared, replaceable inventory. Clones share the same state.
#[derive(Debug, Clone, Default)]
pub struct InventoryHandle {
    state: Arc<RwLock<State>>,
}

#[derive(Debug, Default)]
struct State {
    inventory: Arc<Inventory>,
    waiting_for: Vec<String>,
}

impl InventoryHandle {
    /// A handle holding `inventory`, complete (waiting for nothing).
    pub fn new(inventory: Inventory) -> Self {
        let state = State { inventory: Arc::new(inventory), waiting_for: Vec::new() };
        Self { state: Arc::new(RwLock::new(state)) }
    }

    /// The inventory now. Reviews keep using the snapshot they took even if it is replaced
    /// meanwhile; the lock is held only to clone the `Arc`.
    pub fn snapshot(&self) -> Arc<Inventory> {
        self.state.read().unwrap_or_else(|e| e.into_inner()).inventory.clone()
    }

    /// Replaces the inventory for every review that starts from now on.
    pub fn replace(&self, inventory: Inventory) {
        let inventory = Arc::new(inventory);
        // The old snapshot is dropped outside the lock: freeing a large tree takes time.
        let _old = std::mem::replace(&mut self.state.write().unwrap_or_else(|e| e.into_inner()).inventory, inventory);
    }

    /// Says what the inventory still lacks (e.g. kinds whose first full list has not arrived);
    /// empty when it is complete.
    pub fn set_waiting_for(&self, waiting_for: Vec<String>) {
        self.state.write().unwrap_or_else(|e| e.into_inner()).waiting_for = waiting_for;
    }

    /// What the inventory still lacks; empty when it is complete.
    pub fn waiting_for(&self) -> Vec<String> {
        self.state.read().unwrap_or_else(|e| e.into_inner()).waiting_for.clone()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::InventoryHandle;
    use crate::policy::Inventory;

    fn namespace(name: &str) -> Inventory {
        Inventory::from_objects(&[json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})])
    }

    #[test]
    fn a_snapshot_outlives_its_replacement() {
        let handle = InventoryHandle::new(namespace("before"));
        let taken = handle.snapshot();
        handle.clone().replace(namespace("after"));
        assert!(taken.namespace("before").is_some());
        assert!(handle.snapshot().namespace("after").is_some());
        assert!(handle.snapshot().namespace("before").is_none());
    }

    #[test]
    fn waiting_for_is_shared_by_clones() {
        let handle = InventoryHandle::default();
        assert!(handle.waiting_for().is_empty());
        handle.clone().set_waiting_for(vec!["Ingress.v1.networking.k8s.io".into()]);
        assert_eq!(handle.waiting_for(), ["Ingress.v1.networking.k8s.io"]);
    }
}
