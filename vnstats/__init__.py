"""vnstats: structured statistics from Vietnamese news text.

>>> import vnstats
>>> [f.text for f in vnstats.extract("Toàn Đảng bộ kết nạp mới 171 đảng viên.")]
['171 đảng viên']
"""
from .api import extract, extract_file
from .document import Document
from .extractor import Extractor
from .figure import Figure
from .rules import RuleError

__version__ = "0.1.0"
__all__ = ["extract", "extract_file", "Document", "Extractor", "Figure", "RuleError", "__version__"]
