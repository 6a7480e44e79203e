#pragma once
// The medoid of several partitions of the same samples: the one whose mean normalised mutual information
// (metrics/nmi) with the others is highest. Used where a clustering depends on a random start that a
// single objective does not rank well (k-means on t-SNE maps made from different seeds: the maps'
// own KL divergences and k-means inertias do not tell which map groups the data best), so the
// partition most of the others agree with is taken (the "median partition" of consensus clustering,
// restricted to the candidates; Strehl & Ghosh 2002).
//
// Contracts
// - partitions: >= 1 integer tensors {N} of equal length, values >= 0 (ids need not match between them).
// - Returns an index into partitions; ties go to the lowest index; one partition gives 0.
// - Throws vaelab::Error on an empty list or unequal lengths.
#include <torch/types.h>

#include <cstddef>
#include <vector>

namespace vaelab {

std::size_t medoid_partition(const std::vector<torch::Tensor>& partitions);

// Mean NMI of each partition with the others ({n}, float64; all 1 when n = 1), for views and notes.
std::vector<double> mean_agreement(const std::vector<torch::Tensor>& partitions);

}  // namespace vaelab
