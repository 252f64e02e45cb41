"""Domain package of the 地域活性化起業人 dashboard.

Plain Python: loading and validating the shipped data, eligibility, the refund
estimate, aggregation, and chart and map builders. It never imports streamlit, so
everything here runs from a notebook or a test as it runs in the app.
"""

__version__ = "0.1.0"
