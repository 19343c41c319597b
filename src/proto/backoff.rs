//! Reconnection backoff, as socket.io-client's `contrib/backo2`.
//!
//! The delay of attempt `n` (counted from 0 inside the backoff; the Manager
//! reports attempts from 1) is `min * 2^n`; with a jitter `j` in `(0, 1]`, one
//! uniform draw `r` gives a deviation `floor(r * j * ms)` that is subtracted
//! when `floor(r * 10)` is even and added when it is odd; the result is capped
//! at `max` and truncated to whole milliseconds. The draw comes from the
//! handed-in [`Rng`], never from a global source.

use super::rng::Rng;

/// Exponential backoff with jitter (backo2's algorithm, factor 2).
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    min: u64,
    max: u64,
    jitter: f64,
    attempts: u32,
}

impl Backoff {
    /// A backoff from `min` ms doubling up to `max` ms with the given
    /// randomization factor. As backo2's constructor, a factor outside
    /// `(0, 1]` means no jitter.
    pub fn new(min: u64, max: u64, jitter: f64) -> Self {
        let jitter = if jitter > 0.0 && jitter <= 1.0 {
            jitter
        } else {
            0.0
        };
        Backoff {
            min,
            max,
            jitter,
            attempts: 0,
        }
    }

    /// The next delay in milliseconds; counts one attempt.
    pub fn duration(&mut self, rng: &mut Rng) -> u64 {
        let exp = i32::try_from(self.attempts).unwrap_or(i32::MAX);
        self.attempts = self.attempts.saturating_add(1);
        let mut ms = self.min as f64 * pow2(exp);
        if ms.is_infinite() {
            // After ~1000 attempts `min * 2^n` overflows; backo2 then computes
            // `Infinity - Infinity = NaN` and returns 0 (a reconnection storm).
            // Mathematically the capped value is `max`.
            return self.max;
        }
        if self.jitter > 0.0 {
            let rand = rng.next_f64();
            let deviation = floor(rand * self.jitter * ms);
            let odd = (floor(rand * 10.0) as u64) & 1 == 1;
            ms = if odd { ms + deviation } else { ms - deviation };
        }
        // NaN (0 * inf) counts as 0, as `NaN | 0` does in JS.
        if ms.is_nan() || ms <= 0.0 {
            return 0;
        }
        let max = self.max as f64;
        if ms >= max {
            self.max
        } else {
            ms as u64
        }
    }

    /// Forgets the attempts (after a successful connection, or a close).
    pub fn reset(&mut self) {
        self.attempts = 0;
    }

    /// Attempts counted since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Sets the initial delay (`reconnectionDelay`).
    pub fn set_min(&mut self, min: u64) {
        self.min = min;
    }

    /// Sets the cap (`reconnectionDelayMax`).
    pub fn set_max(&mut self, max: u64) {
        self.max = max;
    }

    /// Sets the randomization factor; clamped to `[0, 1]` so a delay never
    /// goes negative (backo2's setter takes any value).
    pub fn set_jitter(&mut self, jitter: f64) {
        self.jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
    }
}

/// `2^exp` for `exp >= 0` (`f64::powi` needs std): exact, `inf` from 1024 on.
fn pow2(exp: i32) -> f64 {
    let mut p = 1.0f64;
    for _ in 0..exp {
        p *= 2.0;
        if p.is_infinite() {
            break;
        }
    }
    p
}

/// `f64::floor` without std (every float of magnitude >= 2^52 is whole).
fn floor(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn no_jitter_doubles_and_caps() {
        let mut b = Backoff::new(1000, 5000, 0.0);
        let mut rng = Rng::new(1);
        let d: Vec<u64> = (0..5).map(|_| b.duration(&mut rng)).collect();
        assert_eq!(d, [1000, 2000, 4000, 5000, 5000]);
        assert_eq!(b.attempts(), 5);
        b.reset();
        assert_eq!(b.duration(&mut rng), 1000);
    }

    #[test]
    fn jitter_within_bounds() {
        let mut rng = Rng::new(99);
        for _ in 0..2000 {
            let mut b = Backoff::new(1000, 5000, 0.5);
            for n in 0..6u32 {
                let base = 1000.0 * 2f64.powi(n as i32);
                let d = b.duration(&mut rng) as f64;
                assert!(d >= (base * 0.5).floor().min(5000.0));
                assert!(d <= (base * 1.5).min(5000.0));
            }
        }
    }

    #[test]
    fn many_attempts_do_not_overflow() {
        let mut b = Backoff::new(1000, 5000, 0.5);
        let mut rng = Rng::new(5);
        for n in 0..5000 {
            let d = b.duration(&mut rng);
            assert!(d <= 5000);
            if n >= 4 {
                assert_eq!(d, 5000, "attempt {n}");
            }
        }
        let mut z = Backoff::new(0, 5000, 0.5);
        for _ in 0..2000 {
            assert_eq!(z.duration(&mut rng), 0);
        }
    }

    #[test]
    fn constructor_ignores_out_of_range_jitter() {
        let mut b = Backoff::new(100, 10_000, 1.5);
        let mut rng = Rng::new(5);
        assert_eq!(b.duration(&mut rng), 100);
        b.set_jitter(7.0);
        for _ in 0..10 {
            let _ = b.duration(&mut rng);
        }
    }

    #[test]
    fn floor_and_pow2_match_std() {
        for x in [
            0.0,
            0.5,
            1.0,
            1.999,
            2.5e9,
            -0.5,
            -3.0,
            1e300,
            f64::INFINITY,
        ] {
            assert_eq!(super::floor(x), x.floor(), "{x}");
        }
        assert!(super::floor(f64::NAN).is_nan());
        for e in [0, 1, 10, 52, 1023, 1024, 5000, i32::MAX] {
            assert_eq!(super::pow2(e), 2f64.powi(e), "{e}");
        }
    }
}
