//! The release wasm's runtime support when built without `std`: a panic
//! handler that traps (release builds never format a panic message), and a
//! small allocator.
//!
//! The allocator keeps one free list per power-of-two size class (16 B and
//! up): a freed block is reused by the next allocation of its class, so
//! memory stays flat under churn (listeners added and removed, events in and
//! out). Fresh blocks come from a bump region grown with `memory.grow`.
//! Blocks of up to 4 KiB are aligned to their size, larger ones to 4 KiB.
//! wasm32 in the browser is single-threaded: no locking.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    wasm32::unreachable()
}

const PAGE: usize = 65_536;
const CLASSES: usize = 32;

struct State {
    free: [*mut u8; CLASSES],
    next: usize,
    end: usize,
}

struct Tiny(UnsafeCell<State>);

// Safety: wasm32-unknown-unknown without atomics has one thread.
unsafe impl Sync for Tiny {}

#[global_allocator]
static ALLOCATOR: Tiny = Tiny(UnsafeCell::new(State {
    free: [ptr::null_mut(); CLASSES],
    next: 0,
    end: 0,
}));

/// The size class of a layout: log2 of its block size.
fn class(layout: &Layout) -> usize {
    let size = layout.size().max(layout.align()).max(16);
    (usize::BITS - (size - 1).leading_zeros()) as usize
}

unsafe impl GlobalAlloc for Tiny {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let state = &mut *self.0.get();
        let c = class(&layout);
        let Some(list) = state.free.get_mut(c) else {
            return ptr::null_mut();
        };
        let head = *list;
        if !head.is_null() {
            *list = *(head as *mut *mut u8);
            return head;
        }
        let size = 1usize << c;
        let align = size.min(4096);
        let mut start = (state.next + align - 1) & !(align - 1);
        if start + size > state.end || state.end == 0 {
            let pages = (size + align).div_ceil(PAGE);
            let before = wasm32::memory_grow(0, pages);
            if before == usize::MAX {
                return ptr::null_mut();
            }
            let region = before * PAGE;
            if region != state.end {
                // Not contiguous with the old region: start over there.
                state.next = region;
            }
            state.end = region + pages * PAGE;
            start = (state.next + align - 1) & !(align - 1);
        }
        state.next = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let state = &mut *self.0.get();
        // `get_mut`: the class is always in range (alloc refused larger
        // ones), and no bounds-check panic ends up in the module.
        if let Some(head) = state.free.get_mut(class(&layout)) {
            *(block as *mut *mut u8) = *head;
            *head = block;
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(&new_layout) == class(&layout) {
            return block;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            ptr::copy_nonoverlapping(block, new, layout.size().min(new_size));
            self.dealloc(block, layout);
        }
        new
    }
}
