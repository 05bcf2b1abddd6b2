"""Needs: the underlying problems items share, with stable ids, names, statements and evidence."""

from assistant.needs.build import NeedParams, build_needs, founds_need
from assistant.needs.cluster import ClusterParams
from assistant.needs.edit import get_need, merge_needs, need_json, need_report, rename_need

__all__ = ["ClusterParams", "NeedParams", "build_needs", "founds_need", "get_need", "merge_needs",
           "need_json", "need_report", "rename_need"]
