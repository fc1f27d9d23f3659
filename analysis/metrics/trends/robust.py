"""Standard errors of a trend that allow for dependence between models of one organization and models released
close in time: cluster-robust (CR2) covariance, two-way by parent organization and release year, with the
Bell–McCaffrey (Satterthwaite) degrees of freedom.

Why. Models are not independent draws: an organization's models share its compute budget and habits, and models
released in the same period share the period's hardware and fashions. With such dependence the
heteroskedasticity-robust HC3 interval, which treats models as independent, covered the true slope of simulated
data 38-71% of the time at nominal 90% with organization effects and/or AR(1) errors; this estimator 85-90% there,
90-95% with independent errors (``tests/test_intervals.py``; docs/methods.md; issue 23).

What. For OLS ``y = X b + e`` with residuals ``ê`` and bread ``B = (X'X)^-1``:

* each cluster ``g`` (a set of rows with a weight ``w_g``) contributes ``w_g u_g u_g'`` with
  ``u_g = B X_g' A_g ê_g`` and ``A_g = (I - H_gg)^(-1/2)`` (CR2, Bell & McCaffrey 2002; ``H_gg`` = the cluster's
  block of the hat matrix; a pseudo-inverse square root where a cluster has leverage 1). Under independent
  homoskedastic errors CR2 is unbiased, whatever the cluster sizes;
* two-way (Cameron, Gelbach & Miller 2011): organizations with weight 1, plus release-year windows, minus their
  intersections. Time uses overlapping windows of ``bandwidth`` consecutive calendar years, each with weight
  ``1/bandwidth`` (a Bartlett kernel over years, as Driscoll & Kraay 1998 do over periods); ``bandwidth=1`` is
  plain clustering by year. A pair of models of one organization, or released in the same year, gets weight 1;
  of different organizations k years apart, ``1 - k/bandwidth`` (0 from ``bandwidth`` years). The time dimension
  is used only when the years span at least two windows (a window holding every model carries no information),
  each dimension only with at least :data:`MIN_CLUSTERS` clusters. A covariance that comes out not positive
  semi-definite has its negative eigenvalues set to 0 (Cameron, Gelbach & Miller 2011, section 2.3);
* degrees of freedom for a contrast ``c`` (the slope): the Satterthwaite approximation of the variance estimator
  ``c'Vc = ê'Qê`` under working independence, ``df = tr(QM)² / tr((QM)²)`` with ``M = I - H``
  (Bell & McCaffrey 2002; Imbens & Kolesár 2016, "Robust standard errors in small samples", REStat 98:701-712;
  Pustejovsky & Tipton 2018). With few clusters in a dimension the df falls and the t quantile widens.

Memory and time are linear in the number of models: every cluster's hat block has rank <= p (the columns of
``X``), so ``A_g = I + Z_g K_g Z_g'`` comes from a p x p eigen-decomposition per cluster (batched), and
``tr((QM)²)`` is summed over the pairs of clusters that share models only, never forming an n x n matrix
(1.4 s of CPU for a 70,000-model fit; ``tests/test_trends.py`` checks it against a dense computation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.errors import AnalysisError

MIN_CLUSTERS = 3  # fewest clusters in a dimension for that dimension to be used (and years spanning 2 bandwidths)


@dataclass(frozen=True)
class ClusterCov:
    """The covariance of the coefficients, the Satterthwaite df of ``contrast`` and what was clustered."""

    cov: np.ndarray  # p x p
    df: float
    n_org_clusters: int  # 0 when the organization dimension was not used
    n_years: int  # 0 when the time dimension was not used
    bandwidth: int
    clipped: bool  # negative eigenvalues set to 0


def _gsum(ids: np.ndarray, vals: np.ndarray, K: int) -> np.ndarray:
    """Sums of ``vals`` (n x ...) per id in 0..K-1 (a bincount per component)."""
    flat = vals.reshape(len(vals), -1)
    out = np.stack([np.bincount(ids, weights=flat[:, j], minlength=K) for j in range(flat.shape[1])], axis=1)
    return out.reshape((K,) + vals.shape[1:])


def _hfactor(lam: np.ndarray) -> np.ndarray:
    """h(λ) with A = I + Z K Z', K = V diag(h(λ)) V' for the hat block Z Z' = U diag(λ) U': h = ((1-λ)^(-1/2) - 1)/λ
    (1/2 at λ = 0); -1/λ where λ = 1 (a pseudo-inverse: the cluster's direction carries no information)."""
    lam = np.clip(lam, 0.0, None)
    one = lam >= 1 - 1e-9
    small = lam < 1e-8
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(one, -1.0 / np.maximum(lam, 1e-300), (1.0 / np.sqrt(np.maximum(1.0 - lam, 1e-300)) - 1.0)
                     / np.maximum(lam, 1e-300))
    return np.where(small, 0.5 + 0.375 * lam, h)


def cluster_cov(X: np.ndarray, resid: np.ndarray, members: np.ndarray, weights: np.ndarray,
                contrasts: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """CR2 covariance ``Σ_g w_g u_g u_g'`` and the Satterthwaite df of each row of ``contrasts`` (q x p).

    ``members`` (n x M ints) lists the clusters of every row (each row in exactly M clusters, all distinct; cluster
    ids 0..K-1), ``weights`` the K cluster weights. Vectorised over clusters: with ``Z = X L`` (``L L' = (X'X)^-1``)
    a cluster's hat block is ``Z_g Z_g'`` of rank <= p, so ``A_g = I + Z_g K_g Z_g'`` with ``K_g`` from the
    eigen-decomposition of the p x p matrix ``Z_g'Z_g``; every quantity is a sum over a cluster's rows (or over
    the rows two clusters share). Returns (cov, dfs, clipped)."""
    n, p = X.shape
    K = len(weights)
    w = np.asarray(weights, dtype=float)
    contrasts = np.atleast_2d(np.asarray(contrasts, dtype=float))
    bread = np.linalg.inv(X.T @ X)
    chol = np.linalg.cholesky(bread)
    M = members.shape[1]
    ids = members.T.reshape(-1)  # slot-major: row i of slot s at s * n + i
    Xr = np.tile(X, (M, 1))
    xx = np.einsum("ij,ik->ijk", X, X)
    Sxx = _gsum(ids, np.tile(xx, (M, 1, 1)), K)  # K x p x p
    Sxe = _gsum(ids, Xr * np.tile(resid, M)[:, None], K)  # K x p
    lam, V = np.linalg.eigh(chol.T @ Sxx @ chol)
    T = chol @ (V * _hfactor(lam)[:, None, :]) @ np.swapaxes(V, 1, 2) @ chol.T  # K x p x p: A_g r = r + X_g T_g X_g'r
    s_g = Sxe + np.einsum("kij,kj->ki", Sxx, np.einsum("kij,kj->ki", T, Sxe))
    cov = bread @ np.einsum("k,ki,kj->ij", w, s_g, s_g) @ bread
    cov = (cov + cov.T) / 2
    vals, vecs = np.linalg.eigh(cov)
    clipped = bool(np.any(vals < -1e-12 * max(1.0, float(np.max(np.abs(vals))))))
    if clipped:
        cov = (vecs * np.maximum(vals, 0.0)) @ vecs.T
    # pairs of clusters sharing rows (the diagonal included): sums over their common rows
    a_idx, b_idx = np.triu_indices(M)
    pa, pb = members[:, a_idx].reshape(-1), members[:, b_idx].reshape(-1)
    rows = np.tile(np.arange(n), (len(a_idx), 1)).T.reshape(-1)
    lo, hi = np.minimum(pa, pb), np.maximum(pa, pb)
    pair_keys, pinv = np.unique(lo.astype(np.int64) * K + hi, return_inverse=True)
    P_ = len(pair_keys)
    k1, k2 = (pair_keys // K).astype(int), (pair_keys % K).astype(int)
    pSxx = _gsum(pinv, xx[rows], P_)
    dfs = []
    for c in contrasts:
        cr = X @ (bread @ c)  # each row's weight in c'b
        Sxc = _gsum(ids, Xr * np.tile(cr, M)[:, None], K)
        bg = np.einsum("kij,kj->ki", T, Sxc)  # v_g on row i: c_i + x_i' b_g
        P = Sxc + np.einsum("kij,kj->ki", Sxx, bg)  # X_g' v_g (K x p)
        pScc = np.bincount(pinv, weights=cr[rows] ** 2, minlength=P_)
        pSxc = _gsum(pinv, X[rows] * cr[rows][:, None], P_)
        vv = (pScc + np.einsum("kj,kj->k", bg[k1], pSxc) + np.einsum("kj,kj->k", bg[k2], pSxc)
              + np.einsum("ki,kij,kj->k", bg[k1], pSxx, bg[k2]))  # v_k1' v_k2 over the shared rows
        PB = P @ bread
        pbp = np.einsum("kj,kj->k", PB[k1], P[k2])
        ww = w[k1] * w[k2]
        mult = np.where(k1 == k2, 1.0, 2.0)  # off-diagonal pairs count twice (kl and lk)
        diag = k1 == k2
        tr = float(np.sum(w[k1[diag]] * (vv[diag] - pbp[diag])))
        BC = bread @ (P.T @ (w[:, None] * P))
        tr2 = float(np.sum(mult * ww * vv ** 2) - 2 * np.sum(mult * ww * vv * pbp) + np.trace(BC @ BC))
        dfs.append(max(tr * tr / tr2, 1.0) if tr2 > 0 else 1.0)
    return cov, np.array(dfs), clipped


def two_way_clusters(orgs: np.ndarray, years: np.ndarray, bandwidth: int
                     ) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The clusters of the two-way estimator, as (members: n x M cluster ids, weights: K), and the number of
    organizations and years used (0 = that dimension has fewer than :data:`MIN_CLUSTERS` clusters, or the years
    span less than two windows). Clusters: organizations (weight 1), windows of ``bandwidth`` years (1/bandwidth),
    organization x window intersections (-1/bandwidth)."""
    n = len(orgs)
    _, org = np.unique(orgs, return_inverse=True)
    n_org = int(org.max()) + 1 if n else 0
    years = np.asarray(years, dtype=int)
    year_vals = np.unique(years)
    use_org = n_org >= MIN_CLUSTERS
    # a window holding every model has leverage 1 and carries no information (CR2 gives it weight 0, and the
    # intersections would then subtract part of the organization term): the time dimension needs the years to
    # span at least two windows
    span = int(year_vals.max() - year_vals.min() + 1) if len(year_vals) else 0
    bw = int(bandwidth)
    use_time = len(year_vals) >= MIN_CLUSTERS and span >= 2 * bw
    cols, weights = [], []
    if use_org:
        cols.append(org)
        weights.append(np.ones(n_org))
    if use_time:
        y0 = years - years.min()
        wins = [y0 + j for j in range(bw)]  # the windows a model is in (window k = years k-bw+1 .. k)
        _, win_ids = np.unique(np.concatenate(wins), return_inverse=True)
        n_win = int(win_ids.max()) + 1
        base = sum(len(wt) for wt in weights)
        cols += [base + win_ids[j * n:(j + 1) * n] for j in range(bw)]
        weights.append(np.full(n_win, 1.0 / bw))
        if use_org:
            keys = np.concatenate([org.astype(np.int64) * (span + bw) + wj for wj in wins])
            _, int_ids = np.unique(keys, return_inverse=True)
            base += n_win
            cols += [base + int_ids[j * n:(j + 1) * n] for j in range(bw)]
            weights.append(np.full(int(int_ids.max()) + 1, -1.0 / bw))
    if not cols:
        return np.zeros((n, 0), dtype=int), np.zeros(0), 0, 0
    return (np.column_stack(cols), np.concatenate(weights), n_org if use_org else 0,
            len(year_vals) if use_time else 0)


def two_way(X: np.ndarray, resid: np.ndarray, orgs: np.ndarray, years: np.ndarray, bandwidth: int,
            contrast: np.ndarray) -> ClusterCov | None:
    """Two-way CR2 by organization and release-year windows (see the module docstring); one-way when a dimension
    has too few clusters; None when neither has (the caller falls back to HC3)."""
    members, weights, n_org, n_years = two_way_clusters(orgs, years, bandwidth)
    if not len(weights):
        return None
    cov, dfs, clipped = cluster_cov(X, resid, members, weights, contrast)
    return ClusterCov(cov=cov, df=float(dfs[0]), n_org_clusters=n_org, n_years=n_years,
                      bandwidth=int(bandwidth) if n_years else 0, clipped=clipped)


def wald_test(X: np.ndarray, y: np.ndarray, orgs: np.ndarray, years: np.ndarray, bandwidth: int,
              R: np.ndarray) -> tuple[float, float, int, float] | None:
    """Wald test of ``R b = 0`` with the two-way CR2 covariance: F = (Rb)'(RVR')^-1(Rb) / q against F(q, ν), ν = the
    smallest Satterthwaite df among the rows of ``R`` (a conservative stand-in for Pustejovsky & Tipton's HTZ
    test). Returns (F, p, q, ν), or None when neither dimension has enough clusters."""
    from scipy import stats

    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    members, weights, _, _ = two_way_clusters(orgs, years, bandwidth)
    if not len(weights):
        return None
    cov, dfs, _ = cluster_cov(X, y - X @ beta, members, weights, R)
    r = R @ beta
    q = R.shape[0]
    f = float(r @ np.linalg.pinv(R @ cov @ R.T) @ r) / q
    nu = float(np.min(dfs))
    return f, float(stats.f.sf(f, q, nu)), q, nu


def trend_cov(xc: np.ndarray, resid: np.ndarray, clusters: np.ndarray, years: np.ndarray,
              bandwidth: int) -> ClusterCov | None:
    """:func:`two_way` for a trend ``y = a + b xc``: ``clusters`` = each model's organization cluster ('' =
    unknown, a cluster of its own), ``years`` = its release year; df for the slope."""
    keys = np.array([c if c else f"\x00row{i}" for i, c in enumerate(clusters)], dtype=object)
    X = np.column_stack([np.ones_like(xc), xc])
    return two_way(X, resid, keys, np.asarray(years, dtype=int), bandwidth, np.array([0.0, 1.0]))


# --- resampling (the --bootstrap options) ---------------------------------------------------------------------

def _boot_slopes(x: np.ndarray, y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Vectorised OLS on resamples ``idx`` (n_boot, n) at global centre 0 -> (n_boot, 2) [intercept, slope]."""
    xb, yb = x[idx], y[idx]
    mx, my = xb.mean(axis=1, keepdims=True), yb.mean(axis=1, keepdims=True)
    sxx = ((xb - mx) ** 2).sum(axis=1)
    sxy = ((xb - mx) * (yb - my)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = sxy / sxx
    a = my[:, 0] - b * mx[:, 0]
    out = np.column_stack([a, b])
    out[sxx <= 1e-12] = np.nan
    return out


def bootstrap_lines(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, method: str, n_boot: int,
                    seed: int) -> tuple[np.ndarray, int, int | None]:
    """Resampled (intercept, slope) lines of ``y`` on centred ``x``: models (``method="bootstrap"``) or whole
    organization clusters (``"cluster-bootstrap"``; '' = a cluster of its own). Returns the finite draws, the
    number of degenerate resamples (one distinct date) and the number of clusters (None for models)."""
    rng = np.random.default_rng(seed)
    n = len(x)
    if method == "bootstrap":
        # in chunks of about 2 million drawn indices: memory stays linear in the models, whatever n_boot is
        # (the same draws as one (n_boot, n) array: the generator fills rows in order)
        step = max(1, 2_000_000 // max(n, 1))
        draws = np.concatenate([_boot_slopes(x, y, rng.integers(0, n, size=(min(step, n_boot - i), n)))
                                for i in range(0, n_boot, step)])
        n_clusters = None
    else:
        keys = np.array([c if c else f"__row{i}" for i, c in enumerate(clusters)], dtype=object)
        uniq, inv = np.unique(keys, return_inverse=True)
        n_clusters = len(uniq)
        if n_clusters < 2:
            raise AnalysisError("cluster bootstrap needs models from at least 2 organizations")
        members = [np.flatnonzero(inv == g) for g in range(n_clusters)]
        draws = np.empty((n_boot, 2))
        for i in range(n_boot):
            pick = rng.integers(0, n_clusters, size=n_clusters)
            rows = np.concatenate([members[g] for g in pick])
            draws[i] = _boot_slopes(x, y, rows[None, :])[0]
    ok = np.all(np.isfinite(draws), axis=1)
    return draws[ok], int((~ok).sum()), n_clusters
