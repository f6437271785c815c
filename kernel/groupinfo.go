package kernel

import "sort"

// Tasks returns the group's live tasks in tid order (/proc/<pid>/task,
// the Threads: line of /proc/<pid>/status).
func (g *ThreadGroup) Tasks() []*Task {
	g.k.tasksMu.Lock()
	var out []*Task
	for _, t := range g.k.tasks {
		if t.Group() == g {
			out = append(out, t)
		}
	}
	g.k.tasksMu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].TID < out[j].TID })
	return out
}

// Task returns the live task with the given tid, or nil.
func (k *Kernel) Task(tid int32) *Task {
	k.tasksMu.Lock()
	defer k.tasksMu.Unlock()
	return k.tasks[tid]
}
