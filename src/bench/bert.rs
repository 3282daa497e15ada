//! A BERT sentence encoder (sentence-transformers layout) on `candle`
//! tensors: the model is read from a directory with `config.json`,
//! `tokenizer.json` and `model.safetensors`, and a prompt becomes the mean of
//! its token states, normalised to unit length — what the model card of
//! all-MiniLM-L6-v2 prescribes.
//!
//! The encoder is written out here rather than taken from a model zoo so that
//! the weights can be laid out once for the CPU (query, key and value fused
//! into one matrix, every matrix stored transposed and contiguous), which
//! keeps each layer to four matrix products. With `--precision int8` the
//! weights are also quantised and `int8::QuantizedEncoder` runs the forward pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use candle_core::{DType, Device, Tensor, D};
use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::int8::{self, QuantizedLinear};
use super::matcher::{Embedder, Precision};

/// Rows (prompts × tokens) per forward pass: large enough that the matrix
/// products keep both cores busy, small enough to stay in cache.
const BATCH_ROWS: usize = 1024;

/// What `config.json` must say for this encoder to run the model.
#[derive(Debug, Deserialize)]
struct BertConfig {
    model_type: Option<String>,
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    max_position_embeddings: usize,
    #[serde(default = "default_eps")]
    layer_norm_eps: f64,
    #[serde(default = "default_act")]
    hidden_act: String,
    #[serde(default)]
    position_embedding_type: Option<String>,
}

fn default_eps() -> f64 {
    1e-12
}

fn default_act() -> String {
    "gelu".into()
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(candle_nn::ops::layer_norm(
            x,
            &self.weight,
            &self.bias,
            self.eps as f32,
        )?)
    }
}

/// A dense layer with its weight stored as `[in, out]`, contiguous.
struct Dense {
    weight: Tensor,
    bias: Tensor,
}

impl Dense {
    /// `x` is `[rows, in]`.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.matmul(&self.weight)?.broadcast_add(&self.bias)?)
    }

    /// The same layer with int8 weights (`--precision int8`).
    fn quantised(&self) -> Result<QuantizedLinear> {
        let (inputs, outputs) = self.weight.dims2()?;
        let rows = self
            .weight
            .t()?
            .contiguous()?
            .flatten_all()?
            .to_vec1::<f32>()?;
        let bias = self.bias.to_vec1::<f32>()?;
        Ok(QuantizedLinear::new(&rows, &bias, outputs, inputs))
    }
}

impl LayerNorm {
    fn plain(&self) -> Result<int8::Norm> {
        Ok(int8::Norm {
            weight: self.weight.to_vec1()?,
            bias: self.bias.to_vec1()?,
            eps: self.eps as f32,
        })
    }
}

struct Layer {
    qkv: Dense,
    out: Dense,
    attn_norm: LayerNorm,
    up: Dense,
    down: Dense,
    out_norm: LayerNorm,
}

/// The loaded encoder.
pub struct Encoder {
    /// With `--precision int8`: the same model on plain vectors, which then
    /// does the work.
    int8: Option<int8::QuantizedEncoder>,
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
    max_tokens: usize,
    tokenizer: tokenizers::Tokenizer,
}

struct Weights {
    tensors: HashMap<String, Tensor>,
    file: PathBuf,
}

impl Weights {
    /// A tensor by name, with or without the `bert.` prefix some exports use.
    fn raw(&self, name: &str) -> Result<&Tensor> {
        self.tensors
            .get(name)
            .or_else(|| self.tensors.get(&format!("bert.{name}")))
            .ok_or_else(|| {
                anyhow!(
                    "{}: tensor `{name}` is missing; is this a BERT sentence-transformers model?",
                    self.file.display()
                )
            })
    }

    fn get(&self, name: &str, shape: &[usize]) -> Result<Tensor> {
        let t = self.raw(name)?;
        if t.dims() != shape {
            bail!(
                "{}: tensor `{name}` has shape {:?}, config.json implies {:?}",
                self.file.display(),
                t.dims(),
                shape
            );
        }
        Ok(t.to_dtype(DType::F32)?)
    }

    fn dense(&self, prefix: &str, input: usize, output: usize) -> Result<Dense> {
        Ok(Dense {
            weight: self
                .get(&format!("{prefix}.weight"), &[output, input])?
                .t()?
                .contiguous()?,
            bias: self.get(&format!("{prefix}.bias"), &[output])?,
        })
    }

    fn norm(&self, prefix: &str, size: usize, eps: f64) -> Result<LayerNorm> {
        Ok(LayerNorm {
            weight: self.get(&format!("{prefix}.weight"), &[size])?,
            bias: self.get(&format!("{prefix}.bias"), &[size])?,
            eps,
        })
    }
}

fn read(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    if !path.is_file() {
        bail!(
            "{}: no such file; a model directory holds config.json, tokenizer.json and model.safetensors",
            path.display()
        );
    }
    Ok(path)
}

impl Encoder {
    /// Loads a model directory (f32).
    pub fn load(dir: &Path) -> Result<Encoder> {
        Encoder::load_with(dir, Precision::F32)
    }

    /// Loads a model directory; with `Precision::Int8` the dense layers are
    /// quantised (needs AVX-512 VNNI; see `int8`); `Auto` picks for this CPU.
    pub fn load_with(dir: &Path, precision: Precision) -> Result<Encoder> {
        let precision = precision.resolve();
        if precision == Precision::Int8 && !int8::available() {
            bail!("--precision int8 needs a CPU with AVX-512 VNNI; this one has none, use --precision f32");
        }
        if !dir.is_dir() {
            bail!(
                "{}: no such model directory (scripts/fetch-model fetches all-MiniLM-L6-v2)",
                dir.display()
            );
        }
        let config_path = read(dir, "config.json")?;
        let tokenizer_path = read(dir, "tokenizer.json")?;
        let weights_path = read(dir, "model.safetensors")?;
        let text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("reading {}", config_path.display()))?;
        let config: BertConfig = serde_json::from_str(&text)
            .map_err(|e| anyhow!("{}: not a BERT config: {e}", config_path.display()))?;
        if let Some(kind) = config.model_type.as_deref() {
            if kind != "bert" {
                bail!(
                    "{}: model_type is `{kind}`; only BERT models (model_type \"bert\") are supported",
                    config_path.display()
                );
            }
        }
        if config.hidden_act != "gelu" {
            bail!(
                "{}: hidden_act `{}` is not supported (only \"gelu\")",
                config_path.display(),
                config.hidden_act
            );
        }
        if config
            .position_embedding_type
            .as_deref()
            .is_some_and(|p| p != "absolute")
        {
            bail!(
                "{}: only absolute position embeddings are supported",
                config_path.display()
            );
        }
        let (h, heads) = (config.hidden_size, config.num_attention_heads);
        if heads == 0 || h % heads != 0 {
            bail!(
                "{}: hidden_size {h} is not a multiple of num_attention_heads {heads}",
                config_path.display()
            );
        }
        let mut tokenizer = tokenizers::Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| anyhow!("{}: {e}", tokenizer_path.display()))?;
        tokenizer.with_padding(None);
        // sentence-transformers truncates at its own max_seq_length when the
        // model directory says one.
        let max_tokens = std::fs::read_to_string(dir.join("sentence_bert_config.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("max_seq_length").and_then(|m| m.as_u64()))
            .map_or(config.max_position_embeddings, |m| {
                (m as usize).min(config.max_position_embeddings)
            });
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: max_tokens,
                ..Default::default()
            }))
            .map_err(|e| anyhow!("{}: {e}", tokenizer_path.display()))?;
        let tensors = candle_core::safetensors::load(&weights_path, &Device::Cpu)
            .map_err(|e| anyhow!("{}: {e}", weights_path.display()))?;
        let w = Weights {
            tensors,
            file: weights_path,
        };
        let vocab = tokenizer.get_vocab_size(true);
        let word = w.raw("embeddings.word_embeddings.weight")?;
        if word.dims().len() != 2 || word.dims()[1] != h || word.dims()[0] < vocab {
            bail!(
                "{}: word embeddings have shape {:?}, expected [{vocab} or more, {h}]",
                w.file.display(),
                word.dims()
            );
        }
        let word = word.to_dtype(DType::F32)?;
        let position = w.get(
            "embeddings.position_embeddings.weight",
            &[config.max_position_embeddings, h],
        )?;
        let types = w
            .raw("embeddings.token_type_embeddings.weight")?
            .dims()
            .to_vec();
        let token_type = w
            .get(
                "embeddings.token_type_embeddings.weight",
                &[types.first().copied().unwrap_or(0).max(1), h],
            )?
            .get(0)?;
        let embed_norm = w.norm("embeddings.LayerNorm", h, config.layer_norm_eps)?;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            let q = w.dense(&format!("{p}.attention.self.query"), h, h)?;
            let k = w.dense(&format!("{p}.attention.self.key"), h, h)?;
            let v = w.dense(&format!("{p}.attention.self.value"), h, h)?;
            let qkv = Dense {
                weight: Tensor::cat(&[&q.weight, &k.weight, &v.weight], 1)?.contiguous()?,
                bias: Tensor::cat(&[&q.bias, &k.bias, &v.bias], 0)?,
            };
            let eps = config.layer_norm_eps;
            layers.push(Layer {
                qkv,
                out: w.dense(&format!("{p}.attention.output.dense"), h, h)?,
                attn_norm: w.norm(&format!("{p}.attention.output.LayerNorm"), h, eps)?,
                up: w.dense(
                    &format!("{p}.intermediate.dense"),
                    h,
                    config.intermediate_size,
                )?,
                down: w.dense(&format!("{p}.output.dense"), config.intermediate_size, h)?,
                out_norm: w.norm(&format!("{p}.output.LayerNorm"), h, eps)?,
            });
        }
        let int8 = match precision {
            Precision::F32 | Precision::Auto => None,
            Precision::Int8 => Some(int8::QuantizedEncoder {
                hidden: h,
                heads,
                word: word.flatten_all()?.to_vec1()?,
                position: position.flatten_all()?.to_vec1()?,
                token_type: token_type.to_vec1()?,
                embed_norm: embed_norm.plain()?,
                layers: layers
                    .iter()
                    .map(|l| {
                        Ok(int8::QuantizedLayer {
                            qkv: l.qkv.quantised()?,
                            out: l.out.quantised()?,
                            attn_norm: l.attn_norm.plain()?,
                            up: l.up.quantised()?,
                            down: l.down.quantised()?,
                            out_norm: l.out_norm.plain()?,
                        })
                    })
                    .collect::<Result<_>>()?,
            }),
        };
        Ok(Encoder {
            int8,
            word,
            position,
            token_type,
            embed_norm,
            layers,
            heads,
            hidden: h,
            max_tokens,
            tokenizer,
        })
    }

    /// Token ids of a prompt, with the model's special tokens.
    pub fn tokens(&self, prompt: &str) -> Result<Vec<u32>> {
        let enc = self
            .tokenizer
            .encode(prompt, true)
            .map_err(|e| anyhow!("tokenising a prompt: {e}"))?;
        let mut ids = enc.get_ids().to_vec();
        ids.truncate(self.max_tokens);
        Ok(ids)
    }

    /// Embeds prompts of the same token length in one pass; each result is
    /// unit length.
    pub fn embed_batch(&self, batch: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let b = batch.len();
        if b == 0 {
            return Ok(Vec::new());
        }
        let len = batch[0].len();
        if len == 0 || batch.iter().any(|t| t.len() != len) {
            bail!("a batch holds prompts of one token length");
        }
        if let Some(plain) = &self.int8 {
            return Ok(plain.embed(batch));
        }
        let (h, heads) = (self.hidden, self.heads);
        let dh = h / heads;
        let ids: Vec<u32> = batch.iter().flatten().copied().collect();
        let ids = Tensor::from_vec(ids, b * len, &Device::Cpu)?;
        let mut x = self
            .word
            .index_select(&ids, 0)?
            .reshape((b, len, h))?
            .broadcast_add(&self.position.narrow(0, 0, len)?)?
            .broadcast_add(&self.token_type)?;
        x = self.embed_norm.forward(&x)?.reshape((b * len, h))?;
        let scale = 1.0 / (dh as f64).sqrt();
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x)?.reshape((b, len, 3, heads, dh))?;
            let q = (qkv
                .narrow(2, 0, 1)?
                .squeeze(2)?
                .transpose(1, 2)?
                .contiguous()?
                * scale)?;
            let k = qkv
                .narrow(2, 1, 1)?
                .squeeze(2)?
                .transpose(1, 2)?
                .contiguous()?;
            let v = qkv
                .narrow(2, 2, 1)?
                .squeeze(2)?
                .transpose(1, 2)?
                .contiguous()?;
            let scores = q.matmul(&k.t()?)?;
            let p = candle_nn::ops::softmax_last_dim(&scores)?;
            let ctx = p
                .matmul(&v)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((b * len, h))?;
            let a = layer.attn_norm.forward(&(layer.out.forward(&ctx)? + &x)?)?;
            let f = layer.down.forward(&layer.up.forward(&a)?.gelu_erf()?)?;
            x = layer.out_norm.forward(&(f + &a)?)?;
        }
        let pooled = x.reshape((b, len, h))?.mean(1)?;
        let norm = pooled.sqr()?.sum_keepdim(D::Minus1)?.sqrt()?;
        let unit = pooled.broadcast_div(&norm.clamp(1e-12, f64::MAX)?)?;
        Ok(unit.to_vec2()?)
    }
}

impl Embedder for Encoder {
    fn dim(&self) -> usize {
        self.hidden
    }

    /// Prompts are grouped by token length so that a batch needs no padding
    /// (a prompt's vector is then the same alone or in a batch). In f32 each
    /// batch's matrix products run on all cores; the int8 forward pass runs
    /// on one, so there the batches themselves are shared out among the
    /// cores (each batch's result is the same on any of them).
    fn embed(&self, prompts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let mut by_len: FxHashMap<usize, Vec<(usize, Vec<u32>)>> = FxHashMap::default();
        for (i, p) in prompts.iter().enumerate() {
            let t = self.tokens(p)?;
            by_len.entry(t.len()).or_default().push((i, t));
        }
        let mut lens: Vec<usize> = by_len.keys().copied().collect();
        lens.sort_unstable();
        let mut batches: Vec<&[(usize, Vec<u32>)]> = Vec::new();
        for len in lens {
            let per_batch = (BATCH_ROWS / len.max(1)).max(1);
            batches.extend(by_len[&len].chunks(per_batch));
        }
        type Embedded = Vec<(usize, Vec<f32>)>;
        let run = |chunk: &[(usize, Vec<u32>)]| -> Result<Embedded> {
            let tokens: Vec<Vec<u32>> = chunk.iter().map(|(_, t)| t.clone()).collect();
            Ok(chunk
                .iter()
                .map(|(i, _)| *i)
                .zip(self.embed_batch(&tokens)?)
                .collect())
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let done: Vec<Embedded> = if self.int8.is_some() && cores > 1 {
            let next = std::sync::atomic::AtomicUsize::new(0);
            let parts: Vec<Result<Vec<Embedded>>> = std::thread::scope(|s| {
                let workers: Vec<_> = (0..cores.min(batches.len()).max(1))
                    .map(|_| {
                        s.spawn(|| {
                            let mut mine = Vec::new();
                            loop {
                                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(chunk) = batches.get(k) else {
                                    return Ok(mine);
                                };
                                mine.push(run(chunk)?);
                            }
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("embedding does not panic"))
                    .collect()
            });
            parts
                .into_iter()
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect()
        } else {
            batches.iter().map(|c| run(c)).collect::<Result<_>>()?
        };
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); prompts.len()];
        for (i, v) in done.into_iter().flatten() {
            out[i] = v;
        }
        Ok(out)
    }
}
