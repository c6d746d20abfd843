"""Audit names held in Parquet on Spark and write the findings as Parquet.

    python spark_audit.py NAMES.parquet COLUMN FINDINGS.parquet [--protect FILE] [--policy NAME|FILE]

The names are read from column COLUMN; findings (invalid names, lookalikes
of protected names, homograph clusters across all partitions) are written
to FINDINGS.parquet. With --master you choose where it runs (default
local[*]).
"""

import argparse


def main(argv=None):
    from pyspark.sql import SparkSession

    from idnsafe import spark as idnspark

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names")
    ap.add_argument("column")
    ap.add_argument("findings")
    ap.add_argument("--protect")
    ap.add_argument("--policy")
    ap.add_argument("--master", default="local[*]")
    args = ap.parse_args(argv)
    spark = SparkSession.builder.master(args.master).appName("idnsafe-audit").getOrCreate()
    df = spark.read.parquet(args.names)
    findings = idnspark.audit(df, args.column, protect=args.protect, policy=args.policy)
    findings.write.mode("overwrite").parquet(args.findings)
    return spark.read.parquet(args.findings).count()


if __name__ == "__main__":
    print(f"{main()} findings written")
