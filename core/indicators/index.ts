/** Quality indicators: exact hypervolume and the generational-distance family. */
export { hypervolume, hypervolumeContributions } from './hypervolume.js';
export { gd, gdPlus, igd, igdPlus } from './distance.js';
