// Four test classes at a time, on a machine of two cores: these tests spend most of their time waiting (for a
// scripted answer's pace, a process to start, an engine to restart), and the suite used under a third of the CPU
// with xunit's default of one class per core. The bounds the tests check are generous enough for a loaded machine.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
