//! A router's cost–quality curve on held-out prompts, and RouteLLM's figures
//! of it: APGR (the average performance gap recovered between the weak and
//! the strong model over every share of strong calls) and CPT(x) (the share
//! of strong calls needed to recover x of the gap).
//!
//! RouteLLM reads the curve at ten quantile thresholds; here it is read at
//! every threshold the scores allow. Prompts with the same score are one
//! step, and the curve runs straight across it: what a random order of the
//! tied prompts gives on average, so a router that cannot tell prompts apart
//! gains nothing from the order they came in.

/// Per held-out prompt: the router's score (higher: the strong model), the
/// weak and strong model's outcomes, and their costs (0 without costs).
#[derive(Debug, Clone, Copy)]
pub struct Point {
    pub score: f64,
    pub weak: f64,
    pub strong: f64,
    pub weak_cost: f64,
    pub strong_cost: f64,
}

/// One corner of the curve: the share of prompts sent to the strong model,
/// the accuracy reached (0–1) and the cost in US dollars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corner {
    pub share: f64,
    pub accuracy: f64,
    pub cost: f64,
}

/// The curve of a router's scores, from no strong call to all.
pub fn curve(points: &[Point]) -> Vec<Corner> {
    let n = points.len().max(1) as f64;
    let mut order: Vec<&Point> = points.iter().collect();
    order.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut correct: f64 = points.iter().map(|p| p.weak).sum();
    let mut cost: f64 = points.iter().map(|p| p.weak_cost).sum();
    let mut out = vec![Corner {
        share: 0.0,
        accuracy: correct / n,
        cost,
    }];
    let mut i = 0;
    while i < order.len() {
        let score = order[i].score;
        while i < order.len() && order[i].score == score {
            correct += order[i].strong - order[i].weak;
            cost += order[i].strong_cost - order[i].weak_cost;
            i += 1;
        }
        out.push(Corner {
            share: i as f64 / n,
            accuracy: correct / n,
            cost,
        });
    }
    out
}

/// The weak and the strong model's accuracy on these prompts.
pub fn ends(points: &[Point]) -> (f64, f64) {
    let n = points.len().max(1) as f64;
    (
        points.iter().map(|p| p.weak).sum::<f64>() / n,
        points.iter().map(|p| p.strong).sum::<f64>() / n,
    )
}

/// APGR: the area under the curve above the weak model's accuracy, over the
/// gap between the two models. `None` when the models are equally accurate.
pub fn apgr(curve: &[Corner], weak: f64, strong: f64) -> Option<f64> {
    let gap = strong - weak;
    if gap.abs() < 1e-12 {
        return None;
    }
    let area: f64 = curve
        .windows(2)
        .map(|w| (w[1].share - w[0].share) * (w[0].accuracy + w[1].accuracy) / 2.0)
        .sum();
    Some((area - weak) / gap)
}

/// CPT(x): the smallest share of strong calls at which the curve recovers
/// `x` of the gap (straight between corners). `None` without a gap.
pub fn cpt(curve: &[Corner], weak: f64, strong: f64, x: f64) -> Option<f64> {
    let gap = strong - weak;
    if gap <= 1e-12 {
        return None;
    }
    let target = weak + x * gap;
    if curve[0].accuracy >= target - 1e-12 {
        return Some(0.0);
    }
    curve.windows(2).find_map(|w| {
        (w[1].accuracy >= target - 1e-12).then(|| {
            let rise = w[1].accuracy - w[0].accuracy;
            w[0].share + (w[1].share - w[0].share) * (target - w[0].accuracy) / rise
        })
    })
}

/// The accuracy at a share of strong calls, straight between corners.
pub fn accuracy_at(curve: &[Corner], share: f64) -> f64 {
    curve
        .windows(2)
        .find(|w| w[1].share >= share - 1e-12)
        .map_or(curve[curve.len() - 1].accuracy, |w| {
            let run = w[1].share - w[0].share;
            if run <= 0.0 {
                w[1].accuracy
            } else {
                w[0].accuracy + (w[1].accuracy - w[0].accuracy) * (share - w[0].share) / run
            }
        })
}

/// The lowest score whose prompts, with every higher-scored one, reach `x`
/// of the gap: a threshold calibrated on one set of prompts, to be applied
/// to another. `f64::INFINITY` (no strong call) when the weak model already
/// reaches it.
pub fn threshold_for(points: &[Point], x: f64) -> f64 {
    let (weak, strong) = ends(points);
    let target = weak + x * (strong - weak);
    let n = points.len().max(1) as f64;
    let mut order: Vec<&Point> = points.iter().collect();
    order.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut correct = weak * n;
    if correct / n >= target - 1e-12 {
        return f64::INFINITY;
    }
    let mut i = 0;
    while i < order.len() {
        let score = order[i].score;
        while i < order.len() && order[i].score == score {
            correct += order[i].strong - order[i].weak;
            i += 1;
        }
        if correct / n >= target - 1e-12 {
            return score;
        }
    }
    f64::NEG_INFINITY
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(rows: &[(f64, f64, f64)]) -> Vec<Point> {
        rows.iter()
            .map(|&(score, weak, strong)| Point {
                score,
                weak,
                strong,
                weak_cost: 1.0,
                strong_cost: 10.0,
            })
            .collect()
    }

    #[test]
    fn a_perfect_order_and_a_blind_one() {
        // Two prompts only the strong model gets, two both get, and four
        // neither does: weak 0.25, strong 0.5.
        let mut rows = vec![(1.0, 0.0, 1.0), (1.0, 0.0, 1.0)];
        rows.extend([(0.0, 1.0, 1.0); 2]);
        rows.extend([(0.0, 0.0, 0.0); 4]);
        let perfect = points(&rows);
        let (weak, strong) = ends(&perfect);
        assert_eq!((weak, strong), (0.25, 0.5));
        let c = curve(&perfect);
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].share, 0.25);
        assert_eq!(c[1].accuracy, 0.5);
        assert_eq!(c[2].cost, 80.0);
        // The gap is recovered at a quarter of the calls: area 0.25·0.375 +
        // 0.75·0.5 = 0.46875; (0.46875 − 0.25) / 0.25 = 0.875.
        assert!((apgr(&c, weak, strong).unwrap() - 0.875).abs() < 1e-12);
        assert!((cpt(&c, weak, strong, 0.5).unwrap() - 0.125).abs() < 1e-12);
        // All tied: a straight line from weak to strong, APGR ½, CPT(x) = x.
        let blind: Vec<Point> = perfect.iter().map(|p| Point { score: 0.0, ..*p }).collect();
        let c = curve(&blind);
        assert!((apgr(&c, weak, strong).unwrap() - 0.5).abs() < 1e-12);
        assert!((cpt(&c, weak, strong, 0.8).unwrap() - 0.8).abs() < 1e-12);
        assert!((accuracy_at(&c, 0.5) - 0.375).abs() < 1e-12);
        // Reversed: the gap comes last.
        let reversed: Vec<Point> = perfect
            .iter()
            .map(|p| Point {
                score: -p.score,
                ..*p
            })
            .collect();
        let c = curve(&reversed);
        assert!(apgr(&c, weak, strong).unwrap() < 0.5);
    }

    #[test]
    fn a_threshold_reaches_its_share_of_the_gap() {
        let rows = [
            (0.9, 0.0, 1.0),
            (0.7, 0.0, 1.0),
            (0.5, 1.0, 1.0),
            (0.1, 0.0, 1.0),
        ];
        let p = points(&rows);
        // weak 0.25, strong 1: half the gap is 0.625, reached after 0.7.
        assert_eq!(threshold_for(&p, 0.5), 0.7);
        assert_eq!(threshold_for(&p, 1.0), 0.1);
        assert_eq!(threshold_for(&p, 0.0), f64::INFINITY);
        assert_eq!(apgr(&curve(&p), 0.5, 0.5), None);
    }
}
