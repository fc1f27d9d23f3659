"""Every published constant the toolkit uses, each with its source.

Sections: general / policy thresholds, trends (issue: trend analysis), scaling laws and compute accounting,
openness and competition. Add a constant here (never inline in code) with a comment citing where it comes from.
"""

from __future__ import annotations

# --- General ---------------------------------------------------------------------------------------------------

DAYS_PER_YEAR = 365.25  # Julian year, used to convert dates to decimal years

# Regulatory reporting thresholds on training compute.
EU_AI_ACT_SYSTEMIC_RISK_FLOP = 1e25  # EU AI Act (Regulation (EU) 2024/1689), Art. 51(2): presumption of systemic risk
US_EO_14110_REPORTING_FLOP = 1e26  # US Executive Order 14110 (2023-10-30), Sec. 4.2(b)(i); revoked 2025-01-20
THRESHOLDS_FLOP = (1e23, 1e24, 1e25, 1e26)

# --- Trends ----------------------------------------------------------------------------------------------------

# --- Scaling laws and compute accounting ----------------------------------------------------------------------

# --- Openness and competition ---------------------------------------------------------------------------------
