//! A first-in first-out queue on a plain `Vec`. The core's queues hold a few
//! items at a time (a burst of events, the offline buffer); a `VecDeque`'s
//! ring buffer costs more code per element type than these save in moves.

use crate::prelude::*;

#[derive(Debug, Clone)]
pub(crate) struct Queue<T>(Vec<T>);

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue(Vec::new())
    }
}

impl<T> Queue<T> {
    pub(crate) fn push_back(&mut self, item: T) {
        self.0.push(item);
    }

    pub(crate) fn pop_front(&mut self) -> Option<T> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }

    pub(crate) fn front_mut(&mut self) -> Option<&mut T> {
        self.0.first_mut()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn iter(&self) -> core::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub(crate) fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep);
    }

    /// Everything queued, in order, leaving the queue empty.
    pub(crate) fn take_all(&mut self) -> Vec<T> {
        core::mem::take(&mut self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_in_first_out() {
        let mut q = Queue::default();
        assert_eq!(q.pop_front(), None);
        q.push_back(1);
        q.push_back(2);
        q.push_back(3);
        assert_eq!(q.pop_front(), Some(1));
        if let Some(front) = q.front_mut() {
            *front = 20;
        }
        q.retain(|&n| n != 3);
        assert_eq!(q.len(), 1);
        assert_eq!(q.iter().copied().collect::<Vec<_>>(), [20]);
        assert_eq!(q.take_all(), [20]);
        assert_eq!(q.len(), 0);
    }
}
