//! A least-recently-used map with O(1) get, insert and eviction: the L1 tier.
//!
//! Nodes live in a vector and link to each other by index, so a lookup is one
//! hash probe and a few index writes — no allocation on the hot path.

use rustc_hash::FxHashMap;

const NIL: usize = usize::MAX;

struct Node<V> {
    key: u32,
    value: V,
    prev: usize,
    next: usize,
}

pub struct Lru<V> {
    map: FxHashMap<u32, usize>,
    nodes: Vec<Node<V>>,
    free: Vec<usize>,
    head: usize,
    tail: usize,
    capacity: usize,
}

impl<V> Lru<V> {
    pub fn new(capacity: usize) -> Lru<V> {
        Lru {
            map: FxHashMap::with_capacity_and_hasher(capacity.min(1 << 20), Default::default()),
            nodes: Vec::with_capacity(capacity.min(1 << 20)),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            capacity: capacity.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        if prev == NIL {
            self.head = next;
        } else {
            self.nodes[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.nodes[next].prev = prev;
        }
    }

    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        if self.head != NIL {
            self.nodes[self.head].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }

    /// The value for `key`, marking it most recently used.
    pub fn get(&mut self, key: u32) -> Option<&mut V> {
        let i = *self.map.get(&key)?;
        if self.head != i {
            self.unlink(i);
            self.push_front(i);
        }
        Some(&mut self.nodes[i].value)
    }

    /// The value for `key` without changing the order.
    pub fn peek(&self, key: u32) -> Option<&V> {
        self.map.get(&key).map(|i| &self.nodes[*i].value)
    }

    /// Inserts or replaces; returns the entry evicted to make room, if any.
    pub fn insert(&mut self, key: u32, value: V) -> Option<(u32, V)> {
        if let Some(&i) = self.map.get(&key) {
            self.nodes[i].value = value;
            if self.head != i {
                self.unlink(i);
                self.push_front(i);
            }
            return None;
        }
        let evicted = if self.map.len() >= self.capacity {
            let t = self.tail;
            self.unlink(t);
            let k = self.nodes[t].key;
            self.map.remove(&k);
            self.free.push(t);
            Some(k)
        } else {
            None
        };
        let node = Node {
            key,
            value,
            prev: NIL,
            next: NIL,
        };
        let (i, old) = match self.free.pop() {
            Some(i) => (i, Some(std::mem::replace(&mut self.nodes[i], node))),
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1, None)
            }
        };
        self.map.insert(key, i);
        self.push_front(i);
        match (evicted, old) {
            (Some(k), Some(old)) => Some((k, old.value)),
            _ => None,
        }
    }

    pub fn remove(&mut self, key: u32) -> bool {
        let Some(i) = self.map.remove(&key) else {
            return false;
        };
        self.unlink(i);
        self.free.push(i);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut lru = Lru::new(2);
        assert!(lru.insert(1, "a").is_none());
        assert!(lru.insert(2, "b").is_none());
        assert_eq!(lru.get(1).copied(), Some("a"));
        assert_eq!(lru.insert(3, "c"), Some((2, "b")));
        assert!(lru.peek(2).is_none());
        assert_eq!(lru.insert(4, "d"), Some((1, "a")));
        assert_eq!(lru.len(), 2);
        assert!(lru.remove(3));
        assert!(!lru.remove(3));
        assert!(lru.insert(5, "e").is_none());
        assert_eq!(lru.len(), 2);
    }
}
