# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # How fast is training compute growing?
#
# We fit a log-linear trend of training compute (FLOP) against release date: the slope is in orders of magnitude
# (OOM) per year, reported as a growth factor per year and a doubling time, each with a confidence interval.
# Models of one organization, and models released close in time, are not independent draws, so the interval uses
# standard errors clustered by parent organization and by release year (CR2, Bell–McCaffrey degrees of freedom);
# it held 85-90% coverage at nominal 90% in simulations with organization effects and correlated errors over time,
# where the HC3 interval that treats models as independent held 38-71% (docs/methods.md, "which interval each figure
# uses"). Two selections follow
# Epoch AI's analyses: all notable models since 2010, and *frontier* models since 2018, where a model is frontier
# if it was among the `top_k` most compute-intensive models released up to its own release date (AlphaGo Master
# and AlphaGo Zero are left out of that ranking, as Epoch AI does). Every figure counts Epoch AI's notable models
# with our corrections, one row per model: dated versions of a model (GPT-4o's snapshots) count once, at the first
# release, and the models our overlay adds for look-ups are not part of any count or trend.
#
# **Caveats.** Compute is known only for part of the models (closed developers rarely publish it; many values
# are Epoch AI estimates, see each row's `compute_method`), and "notable" is a curated, not a random, sample.
# Intervals describe the uncertainty of the fitted trend given these models, not of the selection.

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
since: str = "2010-01-01"  # start of the all-notable-models window
frontier_since: str = "2018-01-01"  # start of the frontier window
until: str = ""  # end of both windows, empty for the last release in the data
top_k: int = 10  # frontier size: top-k by compute at release
confidence: float = 0.90  # confidence level of every interval
bootstrap: int = 0  # bootstrap resamples, 0 for the default intervals (clustered by organization and year)
era_breaks: str = "2015-09-01,2018-01-01"  # comma-separated era boundaries for the piecewise fit
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
import numpy as np
import pandas as pd

from analysis.data import dataset, sources
from analysis.metrics import selection, trends, vintages
from analysis.reporting import citation
from analysis.reporting.figures import (
    PALETTE,
    ReportOutput,
    label_log_axis,
    labelled_scatter,
    legend_below,
    mark_partial_year,
    new_figure,
    pow10,
)

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
models = selection.select(ds.models)  # the representative set: one row per model, no overlay additions
method = "bootstrap" if bootstrap > 0 else "analytic"
common = dict(until=until or None, confidence=confidence, method=method, n_boot=max(bootstrap, 1))
fit_notable = trends.subset_trend(models, "training_compute_flop", "notable", since=since, **common)
fit_frontier = trends.subset_trend(models, "training_compute_flop", "frontier", top_k=top_k, since=frontier_since,
                                   **common)
fits = pd.concat([fit_notable.to_frame(), fit_frontier.to_frame()], ignore_index=True)
# vintage range: the same fit on the default table built on each pinned Epoch vintage, over the window both cover
pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED, data_spec))
revised = [vintages.trend_revision(pinned, subset=s, since=w, until=until or None, top_k=top_k, confidence=confidence)
           for s, w in (("notable", since), ("frontier", frontier_since))]
fits = fits.assign(vintage_low=[r["vintage_low"] for r in revised], vintage_high=[r["vintage_high"] for r in revised],
                   vintage_until=[r["vintage_until"] for r in revised], vintages=" and ".join(pinned) or None)
out.table(fits, "compute-trend-fits")

# %% [markdown]
# ## Notable and frontier models

# %%
plot = selection.frontier_view(models, top_k).dropna(subset=["release_date", "training_compute_flop"])
plot = plot[plot["release_date"] >= pd.Timestamp(since)]
fig, ax = new_figure()
labelled_scatter(ax, plot[~plot.frontier], "release_date", "training_compute_flop", unit="FLOP", s=12,
                 color=PALETTE["sky"], alpha=0.7, label="notable model")
labelled_scatter(ax, plot[plot.frontier], "release_date", "training_compute_flop", unit="FLOP", s=16,
                 color=PALETTE["vermillion"], label=f"frontier (top-{top_k} at release)")
lines = []
for fit, color, name in ((fit_notable, PALETTE["blue"], "notable"), (fit_frontier, PALETTE["vermillion"], "frontier")):
    line = trends.trend_line(fit)
    ax.plot(line["date"], line["value"], color=color, lw=2,
            label=f"{name} trend: {fit.growth_per_year:.2g}x/yr ({fit.confidence:.0%} CI "
                  f"{fit.growth_per_year_ci[0]:.2g}–{fit.growth_per_year_ci[1]:.2g}x)")
    ax.fill_between(line["date"], line["value_low"], line["value_high"], color=color, alpha=0.2)
    lines.append(line.rename(columns={"date": "release_date", "value": "training_compute_flop"})
                 .assign(series=f"{name}-trend"))
label_log_axis(ax, "y", "Training compute", "FLOP")
ax.set_xlabel("Release date")
ax.set_title("Training compute of notable AI models")
legend_below(ax, ncol=1)
table = pd.concat([
    plot.assign(series=np.where(plot.frontier, "frontier-model", "notable-model"))[
        ["series", "id", "name", "organization", "release_date", "training_compute_flop", "compute_method"]],
    *lines,
], ignore_index=True)
out.figure(fig, "compute-trend-notable",
           caption=f"Training compute of notable models since {since} (one point per model: dated versions count once) "
                   f"with log-linear trends for all notable models and for frontier models (top-{top_k} at release, "
                   f"AlphaGo Master and Zero left out of the ranking) since {frontier_since}. Notable trend: "
                   f"{fit_notable.caption()}. Frontier trend: {fit_frontier.caption()}. "
                   + (f"Vintage range (the same fits on Epoch AI's {' and '.join(pinned)} snapshots with our overlay, "
                      f"window to {revised[0]['vintage_until']}): notable "
                      f"{vintages.range_text(revised[0]['vintage_low'], revised[0]['vintage_high'], unit='x')}, frontier "
                      f"{vintages.range_text(revised[1]['vintage_low'], revised[1]['vintage_high'], unit='x')} per year."
                      if pinned else "Vintage range: not computed (data other than the default)."),
           alt="Scatter plot of training compute against release date on a log scale, with two fitted trend "
               "lines.",
           table=table, source=ds, result={"notable trend": fit_notable, "frontier trend": fit_frontier})

# %%
out.prose(
    f"Across all notable models since {since}, training compute grew "
    f"**{out.number('compute-trend-fits', 0, 'growth_per_year', '{:.2g}')}x per year** "
    f"({confidence:.0%} CI {out.number('compute-trend-fits', 0, 'growth_low', '{:.2g}')}–"
    f"{out.number('compute-trend-fits', 0, 'growth_high', '{:.2g}')}x), doubling every "
    f"{out.number('compute-trend-fits', 0, 'doubling_months', '{:.2g}')} months "
    f"({out.number('compute-trend-fits', 0, 'doubling_low', '{:.2g}')}–"
    f"{out.number('compute-trend-fits', 0, 'doubling_high', '{:.2g}')}; "
    f"n = {out.number('compute-trend-fits', 0, 'n', '{:d}')}). "
    f"Frontier models since {frontier_since} grew "
    f"**{out.number('compute-trend-fits', 1, 'growth_per_year', '{:.2g}')}x per year** "
    f"({out.number('compute-trend-fits', 1, 'growth_low', '{:.2g}')}–"
    f"{out.number('compute-trend-fits', 1, 'growth_high', '{:.2g}')}x), doubling every "
    f"{out.number('compute-trend-fits', 1, 'doubling_months', '{:.2g}')} months "
    f"({out.number('compute-trend-fits', 1, 'doubling_low', '{:.2g}')}–"
    f"{out.number('compute-trend-fits', 1, 'doubling_high', '{:.2g}')}; "
    f"n = {out.number('compute-trend-fits', 1, 'n', '{:d}')}). "
    + ("Intervals: standard errors clustered by organization and release year (CR2)." if method == "analytic"
       else f"Intervals: bootstrap of models ({bootstrap} resamples), which treats models as independent.")
    + (f" Between Epoch AI's {' and '.join(pinned)} data, the same fits to {revised[0]['vintage_until']} moved within "
       f"{out.number('compute-trend-fits', 0, 'vintage_low', '{:.3g}')}–"
       f"{out.number('compute-trend-fits', 0, 'vintage_high', '{:.3g}')}x (notable) and "
       f"{out.number('compute-trend-fits', 1, 'vintage_low', '{:.3g}')}–"
       f"{out.number('compute-trend-fits', 1, 'vintage_high', '{:.3g}')}x (frontier) per year."
       if pinned and revised[0]["vintage_low"] is not None and revised[1]["vintage_low"] is not None else "")
)

# %% [markdown]
# ## Where the frontier trend leads
#
# Dates at which the frontier trend line reaches 10²⁶, 10²⁷ and 10²⁸ FLOP. The narrow interval is for the trend
# line itself; the wide one is a prediction interval for a single model, which includes the scatter of models
# around the line. Extrapolations assume the past trend continues, which is exactly what is in question.

# %%
proj = trends.projection_table(fit_frontier, (1e26, 1e27, 1e28))
fig, ax = new_figure()
line = trends.trend_line(fit_frontier, end="2032-12-31", periods=80)
grid = line["date"]
ax.plot(grid, line["value"], color=PALETTE["vermillion"], label="frontier trend")
ax.fill_between(grid, line["pi_low"], line["pi_high"], color=PALETTE["vermillion"], alpha=0.12,
                label=f"{confidence:.0%} prediction band")
front = plot[plot.frontier & (plot.release_date >= pd.Timestamp(frontier_since))]
labelled_scatter(ax, front, "release_date", "training_compute_flop", unit="FLOP", s=14, color=PALETTE["vermillion"],
                 alpha=0.6, label="frontier models")
for _, r in proj.iterrows():
    if pd.notna(r["date"]):
        lo = r["date_pi_low"] if pd.notna(r["date_pi_low"]) else r["date"]
        hi = r["date_pi_high"] if pd.notna(r["date_pi_high"]) else r["date"]
        ax.errorbar([r["date"]], [r["level"]], xerr=[[r["date"] - lo], [hi - r["date"]]], fmt="o",
                    color=PALETTE["black"], capsize=3)
for level, name in ((1e25, f"EU AI Act {pow10(1e25)}"), (1e26, f"US EO 14110 {pow10(1e26)}")):
    ax.axhline(level, color="#888888", lw=0.8, ls="--")
    ax.text(grid[0], level * 1.3, name, fontsize=7.5, color="#555555")
label_log_axis(ax, "y", "Training compute", "FLOP")
ax.set_xlabel("Date")
ax.set_title("Frontier compute trend and projected crossings")
legend_below(ax, ncol=3)
out.figure(fig, "compute-projection-frontier",
           caption=f"Frontier compute trend since {frontier_since} extrapolated to 2032; points with bars show when "
                   f"the trend reaches 10²⁶, 10²⁷ and 10²⁸ FLOP with {confidence:.0%} prediction intervals.",
           alt="Log-scale line of frontier training compute extended into the future with three projected crossing "
               "dates and their intervals.",
           table=proj, source=ds, result={"frontier trend": fit_frontier})

# %% [markdown]
# ## Models above regulatory thresholds
#
# Counts of models per year whose training compute exceeds 10²³…10²⁶ FLOP. The EU AI Act presumes systemic risk
# above 10²⁵ FLOP; the (revoked) US Executive Order 14110 required reports above 10²⁶ FLOP. Counts are lower
# bounds: models without a published or estimated compute are not counted.

# %%
counts = trends.threshold_counts(models)
counts = counts[counts["year"] >= 2018]
fig, ax = new_figure()
years = sorted(counts["year"].unique())
width = 0.2
for i, (t, g) in enumerate(counts.groupby("threshold")):
    g = g.set_index("year").reindex(years, fill_value=0)
    ax.bar(np.array(years) + (i - 1.5) * width, g["n_models"], width=width, label=f"> {pow10(t)} FLOP")
ax.set_xlabel("Release year")
ax.set_ylabel("Models (count)")
ax.set_title("Models above compute thresholds per year")
mark_partial_year(ax, models["release_date"].max())
ax.legend(loc="upper left")
out.figure(fig, "compute-thresholds-per-year",
           caption="Notable models released per year with training compute above 10²³, 10²⁴, 10²⁵ and 10²⁶ FLOP "
                   "(lower bounds: models without a compute figure are not counted).",
           alt="Grouped bar chart of the number of models above each compute threshold per release year.",
           table=counts, source=ds)

# %% [markdown]
# ## Eras: did the trend change?
#
# Separate trends between the era boundaries (by default late 2015, the large-scale era of Sevilla et al. 2022,
# and 2018, the start of Epoch AI's frontier analyses), each with its interval, and a Wald test that the slopes are
# equal (same clustered errors). An era whose interval includes no growth at all is said to be undetermined. A
# break date is also estimated from the data (least squares over monthly candidates, bootstrap interval over
# models). Whether there is a break at all is judged by the unconditional sup-F test (wild bootstrap, one weight per
# release year): a p-value at the estimated date would overstate the evidence, because the date was chosen to fit
# the data. Even so the test rejects too often when models are dependent (17-23% at nominal 10% in simulations), and
# the date's bootstrap treats models as independent, so a break is reported as dated only when the test rejects
# at 1% and the date's interval spans at most two years.

# %%
from analysis.errors import AnalysisError

try:
    notable = models  # the representative set (selection.select above), as the trend fits
    eras = trends.piecewise_trend(notable, "training_compute_flop", tuple(era_breaks.split(",")), since=since,
                                  until=until or None, confidence=confidence)
    out.table(eras.to_frame().assign(slopes_equal_p_value=eras.p_value, slopes_equal_df=eras.df_denom),
              "compute-eras")
    brk = trends.estimate_break(notable, "training_compute_flop", since=since, until=until or None, n_boot=200,
                                confidence=confidence)
    b = brk.to_dict()
    out.table(brk.to_frame(), "compute-break-estimate")
    era_rows = eras.to_frame()
    parts = []
    for k, r in era_rows.iterrows():
        part = (f"{r['start']:%Y-%m} to {r['end']:%Y-%m}: {out.number('compute-eras', k, 'growth_per_year', '{:.2g}')}x "
                f"per year ({out.number('compute-eras', k, 'growth_low', '{:.2g}')}–"
                f"{out.number('compute-eras', k, 'growth_high', '{:.2g}')}x, n = "
                f"{out.number('compute-eras', k, 'n', '{:d}')})")
        if r["slope_low"] <= 0 <= r["slope_high"]:
            part += ", not distinguishable from no growth"
        parts.append(part)
    text = (f"Growth per era ({confidence:.0%} CI): " + "; ".join(parts) + ". Wald test that the eras' slopes are "
            f"equal: p = {out.number('compute-eras', 0, 'slopes_equal_p_value', '{:.2g}')} (F with "
            f"{out.number('compute-eras', 0, 'slopes_equal_df', '{:.1f}')} denominator degrees of freedom, the same "
            "clustered errors).")
    span_years = (pd.Timestamp(b["break_date_ci"][1]) - pd.Timestamp(b["break_date_ci"][0])).days / 365.25
    sup_p = f"{out.number('compute-break-estimate', 0, 'sup_f_p_value', '{:.2g}')}"
    if brk.sup_f_p_value < 0.01 and span_years <= 2:
        text += (f" The data date a break at {b['break_date']} ({confidence:.0%} interval {b['break_date_ci'][0]} to "
                 f"{b['break_date_ci'][1]}; sup-F test of no break p = {sup_p}; {b['change']}): growth "
                 f"{out.number('compute-break-estimate', 0, 'growth_before_per_year', '{:.2g}')}x per year before "
                 f"({out.number('compute-break-estimate', 0, 'growth_before_low', '{:.2g}')}–"
                 f"{out.number('compute-break-estimate', 0, 'growth_before_high', '{:.2g}')}x) and "
                 f"{out.number('compute-break-estimate', 0, 'growth_after_per_year', '{:.2g}')}x after "
                 f"({out.number('compute-break-estimate', 0, 'growth_after_low', '{:.2g}')}–"
                 f"{out.number('compute-break-estimate', 0, 'growth_after_high', '{:.2g}')}x; bootstrap of models).")
    else:
        text += (f" The data do not date a break: the best-fitting date, {b['break_date']}, has a {confidence:.0%} "
                 f"interval from {b['break_date_ci'][0]} to {b['break_date_ci'][1]}, and the sup-F test of no break "
                 f"gives p = {sup_p}, a test that rejects too often when models are dependent.")
    out.prose(text)
except AnalysisError as exc:
    out.prose(f"No era analysis on this selection: {exc}.")

# %% [markdown]
# ## How robust is the frontier growth rate?
#
# The frontier trend refitted under the choices a reader could reasonably make, the way Epoch AI reports the
# robustness of its estimates: frontier size (top 5, 10 or 20 at release), window start (2010, 2015, 2018), with and
# without the AlphaGo Master and AlphaGo Zero outliers, and on two vintages of Epoch AI's notable-models data
# (pinned snapshots, without our overlay). Each row is a separate fit with its own interval and n.

# %%
from analysis.data import sources
from analysis.metrics import sensitivity

# the baseline is the headline frontier fit above: same top-k, window and exclusions
sens = sensitivity.sensitivity_table(models, data_label=ds.label, baseline_top_k=top_k, baseline_since=frontier_since,
                                     until=until or None, confidence=confidence, method=method,
                                     n_boot=max(bootstrap, 1),
                                     vintages=sources.notable_vintages(sensitivity.VINTAGES))  # as the CLI does
out.table(sens, "compute-trend-sensitivity")
fitted = sens[sens["n"] > 0]
lo_row, hi_row = int(fitted["growth_per_year"].idxmin()), int(fitted["growth_per_year"].idxmax())
fig, ax = new_figure()
ypos = np.arange(len(fitted))[::-1]
ax.errorbar(fitted["growth_per_year"], ypos,
            xerr=[fitted["growth_per_year"] - fitted["growth_low"], fitted["growth_high"] - fitted["growth_per_year"]],
            fmt="o", color=PALETTE["blue"], ecolor=PALETTE["sky"], capsize=2)
ax.set_yticks(ypos, [f"{v} (n = {n})" for v, n in zip(fitted["varied"], fitted["n"])], fontsize=7)
ax.set_xlabel("Growth of frontier training compute (factor per year)")
ax.set_title("Frontier compute growth under other selections and data vintages")
out.figure(fig, "compute-trend-sensitivity",
           caption=f"Growth per year of frontier training compute with {confidence:.0%} intervals, refitted for each "
                   "frontier size, window start, exclusion rule and Epoch AI data vintage; labels give what differs "
                   "from the baseline and n.",
           alt="Horizontal dot-and-interval chart, one row per variant of the frontier compute trend fit.",
           table=sens, source=[ds, *(citation.snapshot("notable_ai_models", v) for v in sensitivity.VINTAGES)])
out.prose(
    f"The baseline is the headline frontier fit (top {out.number('compute-trend-sensitivity', 0, 'top_k', '{:d}')} "
    f"at release since {frontier_since}, AlphaGo Master and Zero left out of the ranking): it grows "
    f"{out.number('compute-trend-sensitivity', 0, 'growth_per_year', '{:.2g}')}x per year ({confidence:.0%} CI "
    f"{out.number('compute-trend-sensitivity', 0, 'growth_low', '{:.2g}')}–"
    f"{out.number('compute-trend-sensitivity', 0, 'growth_high', '{:.2g}')}x, "
    f"n = {out.number('compute-trend-sensitivity', 0, 'n', '{:d}')}). Across the variants the point estimate ranges "
    f"from {out.number('compute-trend-sensitivity', lo_row, 'growth_per_year', '{:.2g}')}x "
    f"({out.number('compute-trend-sensitivity', lo_row, 'varied', '{}')}; CI {out.number('compute-trend-sensitivity', lo_row, 'growth_low', '{:.2g}')}–"
    f"{out.number('compute-trend-sensitivity', lo_row, 'growth_high', '{:.2g}')}x, "
    f"n = {out.number('compute-trend-sensitivity', lo_row, 'n', '{:d}')}) to "
    f"{out.number('compute-trend-sensitivity', hi_row, 'growth_per_year', '{:.2g}')}x "
    f"({out.number('compute-trend-sensitivity', hi_row, 'varied', '{}')}; CI {out.number('compute-trend-sensitivity', hi_row, 'growth_low', '{:.2g}')}–"
    f"{out.number('compute-trend-sensitivity', hi_row, 'growth_high', '{:.2g}')}x, "
    f"n = {out.number('compute-trend-sensitivity', hi_row, 'n', '{:d}')})."
)
