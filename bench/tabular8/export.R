# Exports the modeldata sets of the eight-plus-dataset table to data/NAME.csv (Debian: apt-get install r-cran-modeldata).
# Columns that mark a data set's own train/test assignment or a row id are dropped; factors are written as their labels.
suppressMessages(library(modeldata))
dir.create("data", showWarnings = FALSE)
sets <- list(
  attrition = character(0),
  mlc_churn = character(0),
  cells = c("case"),
  stackoverflow = character(0),
  hpc_data = character(0),
  scat = character(0),
  concrete = character(0),
  Sacramento = character(0),
  biomass = c("sample", "dataset")
)
for (name in names(sets)) {
  e <- new.env(); data(list = name, package = "modeldata", envir = e)
  d <- as.data.frame(get(name, envir = e))
  d <- d[, setdiff(names(d), sets[[name]]), drop = FALSE]
  write.csv(d, file.path("data", paste0(name, ".csv")), row.names = FALSE, na = "")
  cat(name, nrow(d), ncol(d), "\n")
}
