//! A least-recently-used map with O(1) get, insert and eviction: the L1 tier.
//!
//! Keys are the cache's entry ids: small integers handed out in order. So a
//! vector indexed by key finds a node without hashing, and nodes live in a
//! second vector linked by index — a lookup is two array reads and a few index
//! writes, with no allocation. Memory grows with the largest key seen (4 bytes
//! per id), which for a benchmark run is the number of distinct prompts.

const NIL: u32 = u32::MAX;

struct Node<V> {
    key: u32,
    prev: u32,
    next: u32,
    value: V,
}

pub struct Lru<V> {
    /// Node index of each key, or NIL.
    slots: Vec<u32>,
    nodes: Vec<Node<V>>,
    free: Vec<u32>,
    head: u32,
    tail: u32,
    len: usize,
    capacity: usize,
}

impl<V> Lru<V> {
    pub fn new(capacity: usize) -> Lru<V> {
        Lru {
            slots: Vec::new(),
            nodes: Vec::with_capacity(capacity.min(1 << 20)),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            len: 0,
            capacity: capacity.clamp(1, NIL as usize - 1),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn slot(&self, key: u32) -> Option<u32> {
        self.slots.get(key as usize).copied().filter(|&i| i != NIL)
    }

    fn unlink(&mut self, i: u32) {
        let Node { prev, next, .. } = self.nodes[i as usize];
        if prev == NIL {
            self.head = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
    }

    fn push_front(&mut self, i: u32) {
        let node = &mut self.nodes[i as usize];
        node.prev = NIL;
        node.next = self.head;
        if self.head != NIL {
            self.nodes[self.head as usize].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }

    fn touch(&mut self, i: u32) {
        if self.head != i {
            self.unlink(i);
            self.push_front(i);
        }
    }

    /// The value for `key`, marking it most recently used.
    pub fn get(&mut self, key: u32) -> Option<&mut V> {
        let i = self.slot(key)?;
        self.touch(i);
        Some(&mut self.nodes[i as usize].value)
    }

    /// The value for `key` without changing the order.
    pub fn peek(&self, key: u32) -> Option<&V> {
        self.slot(key).map(|i| &self.nodes[i as usize].value)
    }

    /// Inserts or replaces; returns the entry evicted to make room, if any.
    pub fn insert(&mut self, key: u32, value: V) -> Option<(u32, V)> {
        if let Some(i) = self.slot(key) {
            self.nodes[i as usize].value = value;
            self.touch(i);
            return None;
        }
        let evicted = if self.len >= self.capacity {
            let t = self.tail;
            self.unlink(t);
            let k = self.nodes[t as usize].key;
            self.slots[k as usize] = NIL;
            self.free.push(t);
            self.len -= 1;
            Some(k)
        } else {
            None
        };
        let node = Node {
            key,
            prev: NIL,
            next: NIL,
            value,
        };
        let (i, old) = match self.free.pop() {
            Some(i) => (
                i,
                Some(std::mem::replace(&mut self.nodes[i as usize], node)),
            ),
            None => {
                self.nodes.push(node);
                ((self.nodes.len() - 1) as u32, None)
            }
        };
        if self.slots.len() <= key as usize {
            self.slots.resize(key as usize + 1, NIL);
        }
        self.slots[key as usize] = i;
        self.len += 1;
        self.push_front(i);
        match (evicted, old) {
            (Some(k), Some(old)) => Some((k, old.value)),
            _ => None,
        }
    }

    pub fn remove(&mut self, key: u32) -> bool {
        let Some(i) = self.slot(key) else {
            return false;
        };
        self.unlink(i);
        self.slots[key as usize] = NIL;
        self.free.push(i);
        self.len -= 1;
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
