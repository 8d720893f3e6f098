"""sgdsim's random streams in Python: Boost's mt19937_64 and uniform_int_distribution, the SplitMix64 stream keys.

Why: the peer implementations draw exactly the shards, mini-batches, replicated rows and random graph edges that
sgdsim draws, so a peer and sgdsim that implement the same update agree to rounding (about 1e-15), and any
difference in an update rule, however small, shows up as a mismatch instead of hiding in sampling noise. A stream
reproduced wrongly gives different mini-batches and every stochastic case fails.
Sources: core/data/rng.cpp (stream keys), core/data/assignment.cpp (shards, batches, RI-SGD's partial shard),
core/algorithms/cooperative/topologies.cpp (Erdős–Rényi edges); Boost.Random's mersenne_twister_engine and its
uniform_int_distribution (integer rejection sampling over buckets).
"""

M64 = (1 << 64) - 1

# core/include/sgdsim/core/data/rng.hpp: enum class Purpose.
DATA, SHUFFLE, BATCH, STRAGGLE, DELAY, INIT, HOLDOUT, TOPOLOGY, REPLICATION, FAILURE = range(1, 11)


class MT64:
    """The 64-bit Mersenne Twister (mt19937_64): state seeding, twist and tempering with its standard constants."""
    NN, MM = 312, 156
    MATRIX_A = 0xB5026F5AA96619E9
    UPPER, LOWER = 0xFFFFFFFF80000000, 0x7FFFFFFF

    def __init__(self, seed):
        self.mt = [seed & M64]
        for i in range(1, self.NN):
            prev = self.mt[-1]
            self.mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & M64)
        self.index = self.NN

    def _twist(self):
        mt = self.mt
        for i in range(self.NN):
            x = (mt[i] & self.UPPER) | (mt[(i + 1) % self.NN] & self.LOWER)
            mt[i] = mt[(i + self.MM) % self.NN] ^ (x >> 1) ^ (self.MATRIX_A if x & 1 else 0)
        self.index = 0

    def __call__(self):
        if self.index >= self.NN:
            self._twist()
        x = self.mt[self.index]
        self.index += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & M64


def uniform_int(engine, lo, hi):
    """boost::random::uniform_int_distribution<std::size_t>(lo, hi)(engine) for a 64-bit engine: the engine's range
    is cut into hi - lo + 1 equal buckets (the remainder rejected), which std:: implementations do differently."""
    span = hi - lo
    if span == 0:
        return lo
    if span == M64:
        return lo + engine()
    bucket = M64 // (span + 1)
    if M64 % (span + 1) == span:
        bucket += 1
    while True:
        r = engine() // bucket
        if r <= span:
            return lo + r


def bernoulli(engine, p):
    """boost::random::bernoulli_distribution<double>(p): one draw compared with p times the engine's range."""
    return p != 0 and float(engine()) <= p * float(M64)


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def make_rng(seed, repetition, worker, purpose):
    """The stream of (seed, repetition, worker, purpose): each field hashed in turn into the engine's seed."""
    key = splitmix64(seed)
    key = splitmix64(key ^ (repetition & 0xFFFFFFFF))
    key = splitmix64(key ^ ((worker + 1) & 0xFFFFFFFF))
    key = splitmix64(key ^ purpose)
    return MT64(key)


def shards(n, k, seed, repetition=0):
    """Rows 0..n-1 shuffled (Fisher–Yates from the back) and cut into k parts, the first n mod k one row longer."""
    order = list(range(n))
    engine = make_rng(seed, repetition, -1, SHUFFLE)
    for i in range(n - 1, 0, -1):
        j = uniform_int(engine, 0, i)
        order[i], order[j] = order[j], order[i]
    base, extra = divmod(n, k)
    out, start = [], 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        out.append(order[start:start + size])
        start += size
    return out


def partial_shard(rows, take, seed, worker, repetition=0):
    """RI-SGD's fractional replica: the first `take` steps of a forward Fisher–Yates shuffle of a shard's rows."""
    rows = list(rows)
    engine = make_rng(seed, repetition, worker, REPLICATION)
    for i in range(take):
        j = uniform_int(engine, i, len(rows) - 1)
        rows[i], rows[j] = rows[j], rows[i]
    return rows[:take]


class BatchSampler:
    """A worker's mini-batches: for each (rows, count) chunk in turn, count rows drawn with replacement."""

    def __init__(self, chunks, seed, worker, repetition=0):
        self.chunks = chunks
        self.engine = make_rng(seed, repetition, worker, BATCH)

    def next(self):
        return [rows[uniform_int(self.engine, 0, len(rows) - 1)] for rows, count in self.chunks for _ in range(count)]
