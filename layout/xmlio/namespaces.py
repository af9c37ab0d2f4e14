"""XML namespaces and schema locations of the formats we read and write."""

PAGE_2019 = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
PAGE_NAMESPACES = (
    PAGE_2019,
    "http://schema.primaresearch.org/PAGE/gts/pagecontent/2018-07-15",
    "http://schema.primaresearch.org/PAGE/gts/pagecontent/2017-07-15",
    "http://schema.primaresearch.org/PAGE/gts/pagecontent/2016-07-15",
    "http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15",
    "http://schema.primaresearch.org/PAGE/gts/pagecontent/2010-03-19",
)
PAGE_SCHEMA_LOCATION = f"{PAGE_2019} {PAGE_2019}/pagecontent.xsd"

ALTO_4 = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_NAMESPACES = (
    ALTO_4,
    "http://www.loc.gov/standards/alto/ns-v3#",
    "http://www.loc.gov/standards/alto/ns-v2#",
)
ALTO_VERSION = "4.3"
ALTO_SCHEMA_LOCATION = f"{ALTO_4} http://www.loc.gov/standards/alto/v4/alto-4-3.xsd"

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XLINK = "http://www.w3.org/1999/xlink"
