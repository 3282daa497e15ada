//! int8 dense layers for the sentence encoder (`--precision int8`).
//!
//! A prompt's embedding is bound by its matrix products (0.47 GFLOP for 22
//! tokens). In f32 one core cannot do them in 5 ms, so this path quantises:
//! each weight row to int8 with its own scale (once, at load), each token's
//! activations to int8 with their own scale (per product), and multiplies in
//! integers — `vpdpbusd` (AVX-512 VNNI) does 64 multiply-adds an instruction.
//! Everything else (attention, layer norm, GELU) stays f32. The vectors move
//! a little (cosine ≥ 0.99 with the f32 ones, tested), which is why it is an
//! option and not the default.
//!
//! VNNI multiplies unsigned by signed bytes, so activations are stored with a
//! zero point of 128 and the weights' row sums undo it:
//! Σ (a+128)·w = Σ a·w + 128·Σ w.

/// Whether this CPU runs the int8 path fast (AVX-512 VNNI).
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// A dense layer `y = x·Wᵀ + b` with int8 weights.
pub struct QuantizedLinear {
    inputs: usize,
    outputs: usize,
    /// `[outputs][inputs]`, row-major.
    weights: Vec<i8>,
    scales: Vec<f32>,
    /// 128 × each row's sum, the zero point's share of a dot product.
    offsets: Vec<i32>,
    bias: Vec<f32>,
    /// The weights laid out for VNNI: per block of 16 outputs, per 4 inputs,
    /// 16 × 4 bytes (one register); empty when the shape does not allow it.
    packed: Vec<i8>,
}

/// Rounds `v / scale` (half away from zero) into -127..=127; written out
/// rather than with `f32::round`, which is a library call per element.
fn to_i8(v: f32, scale: f32) -> i8 {
    let q = v / scale;
    (q + 0.5f32.copysign(q)).clamp(-127.0, 127.0) as i8
}

fn scale_of(row: &[f32]) -> f32 {
    let max = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if max > 0.0 {
        max / 127.0
    } else {
        1.0
    }
}

impl QuantizedLinear {
    /// From an f32 weight matrix `[outputs][inputs]` (row-major) and bias.
    pub fn new(weight: &[f32], bias: &[f32], outputs: usize, inputs: usize) -> QuantizedLinear {
        assert_eq!(weight.len(), outputs * inputs);
        assert_eq!(bias.len(), outputs);
        let mut weights = Vec::with_capacity(weight.len());
        let mut scales = Vec::with_capacity(outputs);
        let mut offsets = Vec::with_capacity(outputs);
        for row in weight.chunks_exact(inputs) {
            let s = scale_of(row);
            let start = weights.len();
            weights.extend(row.iter().map(|v| to_i8(*v, s)));
            let sum: i32 = weights[start..].iter().map(|w| i32::from(*w)).sum();
            scales.push(s);
            offsets.push(128 * sum);
        }
        let mut packed = Vec::new();
        if outputs.is_multiple_of(16) && inputs.is_multiple_of(4) {
            packed.reserve(weights.len());
            for block in 0..outputs / 16 {
                for k in (0..inputs).step_by(4) {
                    for lane in 0..16 {
                        let o = block * 16 + lane;
                        packed.extend_from_slice(&weights[o * inputs + k..o * inputs + k + 4]);
                    }
                }
            }
        }
        QuantizedLinear {
            inputs,
            outputs,
            weights,
            scales,
            offsets,
            bias: bias.to_vec(),
            packed,
        }
    }

    /// `x` is `[rows][inputs]`, row-major; the result `[rows][outputs]`.
    pub fn forward(&self, x: &[f32], rows: usize) -> Vec<f32> {
        assert_eq!(x.len(), rows * self.inputs);
        let mut codes: Vec<u8> = Vec::with_capacity(x.len());
        let mut row_scales = Vec::with_capacity(rows);
        for row in x.chunks_exact(self.inputs) {
            let s = scale_of(row);
            codes.extend(row.iter().map(|v| (i16::from(to_i8(*v, s)) + 128) as u8));
            row_scales.push(s);
        }
        let mut y = vec![0.0f32; rows * self.outputs];
        #[cfg(target_arch = "x86_64")]
        if available() && !self.packed.is_empty() {
            // SAFETY: `available()` checked the CPU features; the packed
            // layout exists only for shapes it covers.
            unsafe { self.forward_vnni(&codes, &row_scales, rows, &mut y) };
            return y;
        }
        let fast = available();
        for o in 0..self.outputs {
            let w = &self.weights[o * self.inputs..(o + 1) * self.inputs];
            let (scale, offset, bias) = (self.scales[o], self.offsets[o], self.bias[o]);
            for r in 0..rows {
                let a = &codes[r * self.inputs..(r + 1) * self.inputs];
                let dot = if fast {
                    // SAFETY: `available()` checked the CPU features.
                    #[cfg(target_arch = "x86_64")]
                    unsafe {
                        dot_vnni(a, w)
                    }
                    #[cfg(not(target_arch = "x86_64"))]
                    dot_plain(a, w)
                } else {
                    dot_plain(a, w)
                };
                y[r * self.outputs + o] = (dot - offset) as f32 * scale * row_scales[r] + bias;
            }
        }
        y
    }
}

impl QuantizedLinear {
    /// Sixteen outputs a register: each `vpdpbusd` multiplies 4 activation
    /// bytes (broadcast) by 4 bytes of 16 weight rows and adds into their 16
    /// sums, so no horizontal additions are needed; four rows share each
    /// weight load, and a block's weights stay in cache across all rows.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    unsafe fn forward_vnni(&self, codes: &[u8], row_scales: &[f32], rows: usize, y: &mut [f32]) {
        use std::arch::x86_64::{
            __m512i, _mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_set1_epi32,
            _mm512_setzero_si512, _mm512_storeu_si512,
        };
        let steps = self.inputs / 4;
        // Each row's activations as 4-byte words, one broadcast each.
        let words: Vec<i32> = codes
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(words.len(), rows * steps);
        assert_eq!(self.packed.len(), self.outputs / 16 * steps * 64);
        let mut sums = [0i32; 16];
        let mut emit = |acc: __m512i, row: usize, block: usize, y: &mut [f32]| {
            _mm512_storeu_si512(sums.as_mut_ptr().cast(), acc);
            for (lane, sum) in sums.iter().enumerate() {
                let o = block * 16 + lane;
                y[row * self.outputs + o] =
                    (sum - self.offsets[o]) as f32 * self.scales[o] * row_scales[row]
                        + self.bias[o];
            }
        };
        for block in 0..self.outputs / 16 {
            let w = self.packed.as_ptr().add(block * steps * 64);
            let mut r = 0;
            while r + 4 <= rows {
                let a = words.as_ptr().add(r * steps);
                let (mut c0, mut c1, mut c2, mut c3) = (
                    _mm512_setzero_si512(),
                    _mm512_setzero_si512(),
                    _mm512_setzero_si512(),
                    _mm512_setzero_si512(),
                );
                for k in 0..steps {
                    let wk = _mm512_loadu_si512(w.add(k * 64).cast());
                    c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(*a.add(k)), wk);
                    c1 = _mm512_dpbusd_epi32(c1, _mm512_set1_epi32(*a.add(steps + k)), wk);
                    c2 = _mm512_dpbusd_epi32(c2, _mm512_set1_epi32(*a.add(2 * steps + k)), wk);
                    c3 = _mm512_dpbusd_epi32(c3, _mm512_set1_epi32(*a.add(3 * steps + k)), wk);
                }
                for (g, c) in [c0, c1, c2, c3].into_iter().enumerate() {
                    emit(c, r + g, block, y);
                }
                r += 4;
            }
            while r < rows {
                let a = words.as_ptr().add(r * steps);
                let mut c = _mm512_setzero_si512();
                for k in 0..steps {
                    let wk = _mm512_loadu_si512(w.add(k * 64).cast());
                    c = _mm512_dpbusd_epi32(c, _mm512_set1_epi32(*a.add(k)), wk);
                }
                emit(c, r, block, y);
                r += 1;
            }
        }
    }
}

/// Layer norm's learned scale and shift.
pub struct Norm {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub eps: f32,
}

impl Norm {
    fn apply(&self, x: &mut [f32]) {
        let h = self.weight.len();
        for row in x.chunks_exact_mut(h) {
            let mean = row.iter().sum::<f32>() / h as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
            let inv = 1.0 / (var + self.eps).sqrt();
            for ((v, w), b) in row.iter_mut().zip(&self.weight).zip(&self.bias) {
                *v = (*v - mean) * inv * w + b;
            }
        }
    }
}

/// One encoder layer with int8 dense layers (QKV fused: outputs are the
/// queries, then the keys, then the values).
pub struct QuantizedLayer {
    pub qkv: QuantizedLinear,
    pub out: QuantizedLinear,
    pub attn_norm: Norm,
    pub up: QuantizedLinear,
    pub down: QuantizedLinear,
    pub out_norm: Norm,
}

/// The whole BERT forward pass on plain vectors, for the int8 path: no
/// tensor library between the layers, so one prompt costs its arithmetic
/// and nothing else (no allocations per operation, no thread hand-offs).
pub struct QuantizedEncoder {
    pub hidden: usize,
    pub heads: usize,
    /// `[vocab][hidden]`, `[positions][hidden]`, and the first token type.
    pub word: Vec<f32>,
    pub position: Vec<f32>,
    pub token_type: Vec<f32>,
    pub embed_norm: Norm,
    pub layers: Vec<QuantizedLayer>,
}

impl QuantizedEncoder {
    /// Unit-length mean-pooled embeddings of prompts of one token length.
    pub fn embed(&self, batch: &[Vec<u32>]) -> Vec<Vec<f32>> {
        let (h, heads) = (self.hidden, self.heads);
        let dh = h / heads;
        let len = batch.first().map_or(0, Vec::len);
        let rows = batch.len() * len;
        let mut x = vec![0.0f32; rows * h];
        for (row, id) in batch.iter().flatten().enumerate() {
            let t = row % len;
            let out = &mut x[row * h..(row + 1) * h];
            let word = &self.word[*id as usize * h..(*id as usize + 1) * h];
            let pos = &self.position[t * h..(t + 1) * h];
            for i in 0..h {
                out[i] = word[i] + pos[i] + self.token_type[i];
            }
        }
        self.embed_norm.apply(&mut x);
        let scale = 1.0 / (dh as f32).sqrt();
        let mut scores = vec![0.0f32; len];
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x, rows);
            let mut ctx = vec![0.0f32; rows * h];
            for p in 0..batch.len() {
                for head in 0..heads {
                    let at = |t: usize, part: usize| (p * len + t) * 3 * h + part * h + head * dh;
                    for i in 0..len {
                        let q = &qkv[at(i, 0)..at(i, 0) + dh];
                        let mut max = f32::NEG_INFINITY;
                        for (j, s) in scores.iter_mut().enumerate() {
                            let k = &qkv[at(j, 1)..at(j, 1) + dh];
                            *s = q.iter().zip(k).map(|(a, b)| a * b).sum::<f32>() * scale;
                            max = max.max(*s);
                        }
                        let mut total = 0.0;
                        for s in scores.iter_mut() {
                            *s = (*s - max).exp();
                            total += *s;
                        }
                        let c = &mut ctx[(p * len + i) * h + head * dh..][..dh];
                        for (j, s) in scores.iter().enumerate() {
                            let v = &qkv[at(j, 2)..at(j, 2) + dh];
                            let w = s / total;
                            for (c, v) in c.iter_mut().zip(v) {
                                *c += w * v;
                            }
                        }
                    }
                }
            }
            let mut a = layer.out.forward(&ctx, rows);
            for (a, x) in a.iter_mut().zip(&x) {
                *a += x;
            }
            layer.attn_norm.apply(&mut a);
            let mut hidden = layer.up.forward(&a, rows);
            gelu_in_place(&mut hidden);
            let mut f = layer.down.forward(&hidden, rows);
            for (f, a) in f.iter_mut().zip(&a) {
                *f += a;
            }
            layer.out_norm.apply(&mut f);
            x = f;
        }
        batch
            .iter()
            .enumerate()
            .map(|(p, _)| {
                let mut pooled = vec![0.0f32; h];
                for t in 0..len {
                    for (o, v) in pooled.iter_mut().zip(&x[(p * len + t) * h..][..h]) {
                        *o += v / len as f32;
                    }
                }
                let norm = pooled.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
                pooled.iter().map(|v| v / norm).collect()
            })
            .collect()
    }
}

/// GELU (the exact, erf form) in place, with erf from Abramowitz & Stegun
/// 7.1.26 (absolute error under 1.5e-7) — far below what int8 already moves.
pub fn gelu_in_place(x: &mut [f32]) {
    const P: f32 = 0.327_591_1;
    const A: [f32; 5] = [
        0.254_829_6,
        -0.284_496_74,
        1.421_413_7,
        -1.453_152,
        1.061_405_4,
    ];
    for v in x {
        let z = *v * std::f32::consts::FRAC_1_SQRT_2;
        let a = z.abs();
        let t = 1.0 / (1.0 + P * a);
        let poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
        let erf = (1.0 - poly * (-a * a).exp()).copysign(z);
        *v = 0.5 * *v * (1.0 + erf);
    }
}

/// Σ a·w over unsigned and signed bytes.
pub fn dot_plain(a: &[u8], w: &[i8]) -> i32 {
    a.iter()
        .zip(w)
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn dot_vnni(a: &[u8], w: &[i8]) -> i32 {
    use std::arch::x86_64::{
        _mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_reduce_add_epi32, _mm512_setzero_si512,
    };
    let n = a.len().min(w.len());
    let blocks = n / 64;
    let mut acc = _mm512_setzero_si512();
    for i in 0..blocks {
        let va = _mm512_loadu_si512(a.as_ptr().add(i * 64).cast());
        let vw = _mm512_loadu_si512(w.as_ptr().add(i * 64).cast());
        acc = _mm512_dpbusd_epi32(acc, va, vw);
    }
    _mm512_reduce_add_epi32(acc) + dot_plain(&a[blocks * 64..n], &w[blocks * 64..n])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::rng::Rng;

    #[test]
    fn the_vectorised_dot_product_is_exact() {
        let mut rng = Rng::new(4);
        for n in [1, 63, 64, 65, 384, 1536, 1000] {
            let a: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
            let w: Vec<i8> = (0..n).map(|_| rng.below(255) as i8).collect();
            let plain = dot_plain(&a, &w);
            #[cfg(target_arch = "x86_64")]
            if available() {
                assert_eq!(unsafe { dot_vnni(&a, &w) }, plain, "n = {n}");
            }
            assert_eq!(
                plain,
                a.iter()
                    .zip(&w)
                    .map(|(x, y)| *x as i32 * *y as i32)
                    .sum::<i32>()
            );
        }
    }

    #[test]
    fn gelu_matches_its_definition() {
        // erf by its Maclaurin series, in f64, for |x| ≤ 3.
        let erf = |x: f64| -> f64 {
            let (mut term, mut sum) = (x, x);
            for n in 1..200 {
                term *= -x * x / n as f64;
                sum += term / (2 * n + 1) as f64;
            }
            sum * 2.0 / std::f64::consts::PI.sqrt()
        };
        let xs: Vec<f32> = (-400..=400).map(|i| i as f32 / 100.0).collect();
        let mut got = xs.clone();
        gelu_in_place(&mut got);
        for (x, g) in xs.iter().zip(&got) {
            let x = f64::from(*x);
            let want = 0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2));
            assert!(
                (f64::from(*g) - want).abs() < 1e-6,
                "gelu({x}) = {g}, want {want}"
            );
        }
    }

    #[test]
    fn the_packed_path_gives_what_the_row_path_gives() {
        let mut rng = Rng::new(2);
        let (inputs, outputs) = (64, 48);
        let w: Vec<f32> = (0..inputs * outputs).map(|_| rng.normal() as f32).collect();
        let b: Vec<f32> = (0..outputs).map(|_| rng.normal() as f32).collect();
        let q = QuantizedLinear::new(&w, &b, outputs, inputs);
        assert!(!q.packed.is_empty());
        let mut unpacked = QuantizedLinear::new(&w, &b, outputs, inputs);
        unpacked.packed.clear();
        for rows in [1, 3, 4, 7] {
            let x: Vec<f32> = (0..rows * inputs).map(|_| rng.normal() as f32).collect();
            assert_eq!(
                q.forward(&x, rows),
                unpacked.forward(&x, rows),
                "{rows} rows"
            );
        }
    }

    #[test]
    fn a_quantised_layer_stays_close_to_the_f32_one() {
        let mut rng = Rng::new(9);
        let (rows, inputs, outputs) = (5, 384, 96);
        let w: Vec<f32> = (0..inputs * outputs)
            .map(|_| rng.normal() as f32 * 0.05)
            .collect();
        let b: Vec<f32> = (0..outputs).map(|_| rng.normal() as f32 * 0.1).collect();
        let x: Vec<f32> = (0..rows * inputs).map(|_| rng.normal() as f32).collect();
        let q = QuantizedLinear::new(&w, &b, outputs, inputs);
        let y = q.forward(&x, rows);
        for r in 0..rows {
            for o in 0..outputs {
                let exact: f32 = (0..inputs)
                    .map(|i| x[r * inputs + i] * w[o * inputs + i])
                    .sum::<f32>()
                    + b[o];
                let got = y[r * outputs + o];
                // Two 8-bit roundings: a few hundredths on outputs of about ±1.
                assert!((got - exact).abs() < 0.06, "{got} vs {exact}");
            }
        }
    }
}
